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


@pytest.fixture(autouse=True)
def _celery_join_flag_reset():
    """Eager tasks run in several threads at once (the concurrency tests) race on Celery's process-wide
    "joining would block" flag and can leave it set, which would make a later test's result.get() refuse.
    Production runs tasks in workers, not eagerly, so only the tests need this."""
    yield
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)
