import pytest

from accounts.enums import Role
from tests.factories import TEST_PASSWORD, UserFactory


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture
def make_user(db):
    def make(*roles: Role, **fields):
        return UserFactory(roles=list(roles), **fields)

    return make


@pytest.fixture
def users(make_user):
    """One user per role, for the outsider cases."""
    return {
        role: make_user(
            role,
            username=f"u-{role.value}",
            is_staff=role in (Role.OFFICE_STAFF, Role.AUDITOR, Role.SYSADMIN),
        )
        for role in Role
    }


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user
