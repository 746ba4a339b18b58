"""Running calls at the same moment on separate database connections, for the row-lock tests (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


def run_together(functions, *, timeout: int = 60) -> tuple[list[Exception], list]:
    """Start every function in its own thread behind one barrier; return (exceptions raised, values returned)."""
    errors, results, barrier = [], [], threading.Barrier(len(functions))

    def run(function):
        try:
            barrier.wait(timeout=10)
            results.append(function())
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return errors, results
