from __future__ import annotations

import factory

from accountability.models import AdminLevel, AdminUnit, User


class AdminUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdminUnit
        django_get_or_create = ("code",)

    code = "349900000000"
    name = factory.Sequence(lambda n: f"单位{n}")
    level = AdminLevel.CITY
    parent = None


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("test-pass-2026")
    jurisdiction = None
