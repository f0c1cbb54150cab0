"""Accounts API: who am I, sign-up, and API tokens."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from marquee.accounts import queries, services
from marquee.accounts.auth import AUTH
from marquee.accounts.permissions import roles_of
from marquee.core.ratelimit import enforce_rate_limits

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    organisation: str
    organisation_kind: str
    role: str


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    email: str | None
    roles: list[str]
    memberships: list[MembershipOut]


class SignUpIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=4096)
    email: str | None = Field(None, max_length=254)
    display_name: str = Field("", max_length=100)


class TokenIn(Schema):
    name: str = Field(max_length=100)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str


def _me(user) -> MeOut:
    memberships = [
        MembershipOut(
            organisation=m.organisation.name,
            organisation_kind=m.organisation.kind,
            role=m.role,
        )
        for m in user.memberships.select_related("organisation").order_by("organisation__name")
    ]
    return MeOut(
        id=user.pk,
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        roles=sorted(roles_of(user)),
        memberships=memberships,
    )


@router.get("/me", response=MeOut, auth=AUTH, summary="The signed-in account and its roles")
def me(request: HttpRequest):
    return _me(request.user)


@router.post("/signup", response={201: MeOut}, auth=None, summary="Create a moviegoer account")
def signup(request: HttpRequest, payload: SignUpIn):
    enforce_rate_limits(request, "signup")
    user = services.sign_up(
        username=payload.username,
        password=payload.password,
        email=payload.email,
        display_name=payload.display_name,
    )
    return Status(201, _me(user))


@router.get("/tokens", response=list[TokenOut], auth=AUTH, summary="My API tokens")
def list_tokens(request: HttpRequest):
    return list(queries.api_tokens_of(request.user))


@router.post(
    "/tokens",
    response={201: TokenCreatedOut},
    auth=AUTH,
    summary="Issue an API token (shown once)",
)
def create_token(request: HttpRequest, payload: TokenIn):
    token, raw = services.create_api_token(user=request.user, name=payload.name)
    return Status(
        201,
        TokenCreatedOut(
            id=token.pk,
            name=token.name,
            prefix=token.prefix,
            created_at=token.created_at,
            last_used_at=None,
            revoked_at=None,
            token=raw,
        ),
    )


@router.delete("/tokens/{token_id}", response=TokenOut, auth=AUTH, summary="Revoke a token")
def revoke_token(request: HttpRequest, token_id: int):
    return services.revoke_api_token(user=request.user, token_id=token_id)
