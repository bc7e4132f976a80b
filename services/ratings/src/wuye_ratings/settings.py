from fractions import Fraction

from pydantic import Field

from wuye_chassis.settings import ServiceSettings
from wuye_ratings.domain.evaluations import EvaluationWeights
from wuye_ratings.domain.lists import ListPolicy


class RatingsSettings(ServiceSettings):
    service_name: str = "ratings"
    database_url: str = "sqlite+aiosqlite:///./var/ratings.db"
    #: the registry's gRPC address, asked for a household and its owners when a resident survey comes in
    registry_addr: str = "127.0.0.1:50051"
    #: R3 weights of the three evaluations as exact fractions ("2/5"); they must sum to 1
    resident_weight: str = "2/5"
    peer_weight: str = "1/5"
    department_weight: str = "2/5"
    #: R3: days after a quarter's end in which its evaluations are still accepted
    evaluation_grace_days: int = Field(default=15, ge=0, le=60)
    #: R4: whether band B also puts a company on the black list (some cities' rule; off by default)
    black_list_includes_b: bool = False

    def evaluation_weights(self) -> EvaluationWeights:
        return EvaluationWeights.create(
            resident=Fraction(self.resident_weight),
            peer=Fraction(self.peer_weight),
            department=Fraction(self.department_weight),
        )

    def list_policy(self) -> ListPolicy:
        return ListPolicy.create(black_includes_b=self.black_list_includes_b)
