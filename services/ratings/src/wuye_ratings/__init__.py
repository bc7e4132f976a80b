"""Wuye ratings service: quality made visible: credit scores, three evaluations, star ratings, red/black lists."""
