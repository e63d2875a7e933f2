"""``remit db grant-app-role ROLE [--print-sql]``: PostgreSQL rights for the application's own role.

Two roles: the owner (who runs ``remit migrate`` and owns every table) and the
application role that gunicorn and the worker connect as.  Run as the owner
after every migration; it gives the application role normal rights on every
table (and, by default privileges, on tables later migrations make) but only
SELECT and INSERT on the audit trail.  Not owning the table, the application
role cannot UPDATE, DELETE, TRUNCATE or ALTER it, so it cannot switch off the
append-only trigger either.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import connection, transaction

from remit.audit.commands import AuditedCommand
from remit.audit.models import AuditEvent


def grant_statements(role: str, database: str, schema: str) -> list[str]:
    """The statements, with every name quoted as an identifier."""
    r = _quote(role)
    s = _quote(schema)
    audit = f"{s}.{_quote(AuditEvent._meta.db_table)}"
    return [
        f"GRANT CONNECT ON DATABASE {_quote(database)} TO {r}",
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"REVOKE CREATE ON SCHEMA {s} FROM {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {r}",
        # The audit trail: read and append, nothing else.
        f"REVOKE ALL ON {audit} FROM PUBLIC",
        f"REVOKE ALL ON {audit} FROM {r}",
        f"GRANT SELECT, INSERT ON {audit} TO {r}",
    ]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Command(AuditedCommand):
    help = (
        "PostgreSQL only. `remit db grant-app-role ROLE`, run as the owner of the tables after `remit migrate`, "
        "gives the application's role normal rights on every table but only SELECT and INSERT on the audit trail."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        grant = sub.add_parser("grant-app-role", help="give ROLE the application's rights (run as the owner)")
        grant.add_argument("role", help="the role the application connects as (it must exist and log in)")
        grant.add_argument(
            "--print-sql", action="store_true", help="print the statements instead of running them"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "remit db grant-app-role works on PostgreSQL only (DATABASE_URL is not PostgreSQL)"
            )
        role = options["role"]
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database(), current_schema(), current_user")
            database, schema, me = cursor.fetchone()
            statements = grant_statements(role, database, schema)
            if options["print_sql"]:
                self.stdout.write(";\n".join(statements) + ";")
                return
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            found = cursor.fetchone()
            if found is None:
                raise CommandError(
                    f"there is no PostgreSQL role {role!r}; create it first (CREATE ROLE … LOGIN)"
                )
            if found[0]:
                raise CommandError(
                    f"role {role!r} is a superuser, so no grant can restrict it; use an ordinary role"
                )
            if role == me:
                raise CommandError(
                    f"you are connected as {role!r}: run this as the owner of the tables, naming the application's role"
                )
            cursor.execute(
                "SELECT tableowner FROM pg_tables WHERE schemaname = %s AND tablename = %s",
                [schema, AuditEvent._meta.db_table],
            )
            owner = cursor.fetchone()
            if owner is None:
                raise CommandError(
                    "the audit table does not exist yet: run `remit migrate` as the owner first"
                )
            cursor.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [role, owner[0]])
            if cursor.fetchone()[0]:
                raise CommandError(
                    f"role {role!r} is, or is a member of, {owner[0]!r}, which owns the audit table; "
                    "the application needs a role of its own"
                )
            with transaction.atomic():
                for statement in statements:
                    cursor.execute(statement)
        self.stdout.write(
            f"role {role!r} may now read and write every table of {database!r} except the audit trail, "
            "which it may only read and append to"
        )
