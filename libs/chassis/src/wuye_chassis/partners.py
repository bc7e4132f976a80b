"""Partner departments over gRPC with mutual TLS: who is calling comes from the client certificate.

A service with ``WUYE_GRPC_TLS_CERT``, ``WUYE_GRPC_TLS_KEY`` and ``WUYE_GRPC_TLS_CLIENT_CA`` set opens a
second listener (``WUYE_GRPC_PARTNER_PORT``) that serves TLS and *requires* a client certificate signed
by that CA; a client without one cannot complete the handshake. The platform's own port (gateway and
service-to-service calls, identity in the signed ``x-wuye-identity`` token) is unchanged and stays inside the cluster.

On a call that arrived with a verified client certificate, ``PartnerInterceptor``:

- names the department by the certificate's subject common name (CN = department code, e.g. ``housing``);
- looks the department up in the allow-list (``WUYE_PARTNERS_FILE``, YAML or JSON) and refuses with
  PERMISSION_DENIED a department that is not listed or a method that is not on its list;
- binds the ``AuthContext`` from the certificate and the list — user ``partner:<code>``, the listed
  roles (``department_inspector`` by default), the listed jurisdiction scope, department = the code —
  and ignores any ``x-wuye-*`` metadata the partner sent, so a partner cannot claim another identity.

The allow-list::

    housing:                                 # the client certificate's CN
      name: 住房和城乡建设局 Housing bureau
      scope: "350500"                        # jurisdiction path it acts within
      roles: [department_inspector]          # optional; only PARTNER_ROLES are accepted
      methods:
        - wuye.enforcement.v1.EnforcementService/CreateInspectionItem
        - wuye.registry.v1.RegistryService/*  # every method of one service

``grpc.health.v1.Health`` is open to every certified partner; reflection is not unless listed.
Calls without a certificate (the platform's port) pass through untouched.
"""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import yaml

from wuye_chassis import auth
from wuye_chassis.errors import PermissionDenied
from wuye_chassis.grpc_server import Context, Continuation, MethodHandler, UnaryBehaviour, unary_behaviour

log = logging.getLogger(__name__)

#: the roles a partner may be given; platform roles (city_admin, auditor, …) never come from a certificate
PARTNER_ROLES = frozenset({"department_inspector", "operator_12345", "partner"})
DEFAULT_ROLES = ("department_inspector",)
#: methods every certified partner may call
ALWAYS_ALLOWED = ("grpc.health.v1.Health/*",)
COMMON_NAME = "x509_common_name"


class PartnerConfigError(ValueError):
    """The allow-list file is malformed; the service refuses to start rather than guess."""


@dataclass(frozen=True)
class Partner:
    code: str
    name: str
    scope: str
    roles: frozenset[str]
    methods: frozenset[str]

    def allows(self, method: str) -> bool:
        """``method`` is the gRPC full method, ``/package.Service/Method``."""
        name = method.lstrip("/")
        service = name.split("/", 1)[0]
        return any(pattern in (name, f"{service}/*") for pattern in (*self.methods, *ALWAYS_ALLOWED))

    def context(self) -> auth.AuthContext:
        return auth.AuthContext(user=f"partner:{self.code}", roles=self.roles, scope=self.scope, department=self.code)


def _method(pattern: object, code: str) -> str:
    if not isinstance(pattern, str) or "/" not in pattern.strip("/"):
        raise PartnerConfigError(f"partner {code}: method {pattern!r} is not 'package.Service/Method' or 'package.Service/*'")
    return pattern.strip().lstrip("/")


def parse_partners(data: object) -> dict[str, Partner]:
    """The allow-list from its parsed YAML/JSON: a mapping of department code to its entry."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise PartnerConfigError("the partners file must map department codes to their entries")
    partners: dict[str, Partner] = {}
    for code, entry in data.items():
        if not isinstance(code, str) or not code.strip():
            raise PartnerConfigError(f"department code {code!r} must be a non-empty string")
        if not isinstance(entry, Mapping):
            raise PartnerConfigError(f"partner {code}: the entry must be a mapping")
        roles = frozenset(entry.get("roles") or DEFAULT_ROLES)
        if not roles <= PARTNER_ROLES:
            raise PartnerConfigError(
                f"partner {code}: roles {sorted(roles - PARTNER_ROLES)} are not partner roles {sorted(PARTNER_ROLES)}"
            )
        scope = entry.get("scope", "")
        if not isinstance(scope, str | int):
            raise PartnerConfigError(f"partner {code}: scope must be a jurisdiction path")
        methods = entry.get("methods") or []
        if not isinstance(methods, list):
            raise PartnerConfigError(f"partner {code}: methods must be a list")
        partners[code] = Partner(
            code=code, name=str(entry.get("name", code)), scope=str(scope), roles=roles,
            methods=frozenset(_method(pattern, code) for pattern in methods),
        )
    return partners


def load_partners(path: str | Path) -> dict[str, Partner]:
    """Read the allow-list file (``.json`` as JSON, anything else as YAML)."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise PartnerConfigError(f"{path}: {exc}") from None
    return parse_partners(data)


def server_credentials(cert_file: str | Path, key_file: str | Path, client_ca_file: str | Path) -> grpc.ServerCredentials:
    """TLS with the server's certificate, requiring a client certificate signed by the client CA."""
    return grpc.ssl_server_credentials(
        [(Path(key_file).read_bytes(), Path(cert_file).read_bytes())],
        root_certificates=Path(client_ca_file).read_bytes(),
        require_client_auth=True,
    )


def client_credentials(
    ca_file: str | Path, cert_file: str | Path | None = None, key_file: str | Path | None = None
) -> grpc.ChannelCredentials:
    """For a partner's (or the platform's) client: trust the server's CA, present a certificate if given."""
    return grpc.ssl_channel_credentials(
        root_certificates=Path(ca_file).read_bytes(),
        private_key=Path(key_file).read_bytes() if key_file else None,
        certificate_chain=Path(cert_file).read_bytes() if cert_file else None,
    )


def certificate_name(context: Context) -> str | None:
    """The verified client certificate's common name; None when the call came without one."""
    peer = context.auth_context() or {}
    name = next(iter(peer.get(COMMON_NAME) or ()), None)
    if name is None:
        return None
    return name.decode() if isinstance(name, bytes) else str(name)


class PartnerInterceptor(grpc.aio.ServerInterceptor):
    """Binds a certified partner's identity and enforces its method allow-list (see the module doc)."""

    def __init__(self, partners: Mapping[str, Partner]) -> None:
        self.partners = dict(partners)

    def _admit(self, context: Context, method: str) -> auth.AuthContext | None:
        """The partner's context; None for a call without a certificate; PermissionDenied when refused."""
        code = certificate_name(context)
        if code is None:
            return None
        partner = self.partners.get(code)
        if partner is None:
            log.warning("refused %s: certificate %r names no listed partner department", method, code)
            raise PermissionDenied(f"department {code!r} is not a listed partner", rule="partner")
        if not partner.allows(method):
            log.warning("refused %s for partner department %s: not on its list", method, code)
            raise PermissionDenied(f"department {code!r} may not call {method}", rule="partner")
        return partner.context()

    async def intercept_service(
        self, continuation: Continuation, handler_call_details: grpc.HandlerCallDetails
    ) -> MethodHandler | None:
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        method = handler_call_details.method
        unary = unary_behaviour(handler)
        if unary is not None:
            return grpc.unary_unary_rpc_method_handler(
                self._unary(unary, method),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        # streaming methods (health Watch, reflection): refused the same way, by aborting the stream
        for kind, make in (
            ("unary_stream", grpc.unary_stream_rpc_method_handler),
            ("stream_unary", grpc.stream_unary_rpc_method_handler),
            ("stream_stream", grpc.stream_stream_rpc_method_handler),
        ):
            behaviour = getattr(handler, kind)
            if behaviour is not None:
                return make(
                    self._streaming(behaviour, method),
                    request_deserializer=handler.request_deserializer,
                    response_serializer=handler.response_serializer,
                )
        return handler

    def _unary(self, behaviour: UnaryBehaviour, method: str) -> UnaryBehaviour:
        async def call(request: Any, context: Context) -> Any:
            # runs inside CallInterceptor, which maps PermissionDenied to the status with its details
            partner = self._admit(context, method)
            if partner is None:
                return await behaviour(request, context)
            token = auth.bind(partner)
            try:
                return await behaviour(request, context)
            finally:
                auth.reset(token)

        return call

    def _streaming(self, behaviour: Callable[..., Any], method: str) -> Callable[..., Any]:
        async def refuse_or_bind(context: Context) -> Any:
            try:
                partner = self._admit(context, method)
            except PermissionDenied as refused:
                await context.abort(grpc.StatusCode.PERMISSION_DENIED, refused.message)
            return None if partner is None else auth.bind(partner)

        if inspect.isasyncgenfunction(behaviour):
            async def stream(request: Any, context: Context) -> Any:
                token = await refuse_or_bind(context)
                try:
                    async for item in behaviour(request, context):
                        yield item
                finally:
                    if token is not None:
                        auth.reset(token)

            return stream

        async def call(request: Any, context: Context) -> Any:
            token = await refuse_or_bind(context)
            try:
                return await behaviour(request, context)
            finally:
                if token is not None:
                    auth.reset(token)

        return call


def interceptors_for(partners_file: str) -> Iterable[grpc.aio.ServerInterceptor]:
    """The interceptor for a service whose partner listener is on; no list file means no partner is admitted."""
    partners = load_partners(partners_file) if partners_file else {}
    if not partners:
        log.warning("partner listener on with an empty allow-list: every partner call will be refused")
    return [PartnerInterceptor(partners)]
