"""Factories of the accounts domain: organisations and users (with a role, when asked)."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from marquee.accounts import services as account_services
from marquee.accounts.models import Organisation, User


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.STUDIO


class UserFactory(DjangoModelFactory):
    """A user; ``password=None`` makes it unusable (API-token users need no hashing).

    ``role`` with ``organisation`` grants the role through the accounts service;
    ``superuser=True`` makes an administrator.
    """

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = "test-password"
    superuser = False
    role = None
    organisation = None

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        password = kwargs.pop("password")
        superuser = kwargs.pop("superuser")
        role = kwargs.pop("role")
        organisation = kwargs.pop("organisation")
        if password is None:
            user = model_class.objects.create(**kwargs)
            user.set_unusable_password()
            user.save(update_fields=["password"])
        elif superuser:
            user = model_class.objects.create_superuser(password=password, **kwargs)
        else:
            user = model_class.objects.create_user(password=password, **kwargs)
        if role is not None:
            account_services.grant_role(user=user, organisation=organisation, role=role)
        return user
