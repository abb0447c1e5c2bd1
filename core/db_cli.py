"""The command line's store administration: `db roles` (PostgreSQL owner and app roles), `db upgrade` (migrations,
run as the owner) and `db prune` (the retention setting, run now)."""

from __future__ import annotations

import argparse
import os
import sys

OWNER_PASSWORD_ENV, APP_PASSWORD_ENV = "AIRR_OWNER_PASSWORD", "AIRR_APP_PASSWORD"


def add_parsers(sub: argparse._SubParsersAction) -> None:
    db = sub.add_parser("db", help="set up, upgrade or prune the review store",
                        description="Administer the review store: roles, migrations, retention.")
    commands = db.add_subparsers(dest="db_command", required=True)
    p = commands.add_parser(
        "roles", help="PostgreSQL: an owner role for the schema, an app role that may not rewrite history",
        description="Create (when missing) an owner role that owns the store's tables and runs migrations, and an "
                    "app role that may only read and add to the history. Connect with a superuser. Passwords are "
                    f"read from {OWNER_PASSWORD_ENV} and {APP_PASSWORD_ENV}, never from the command line.")
    p.add_argument("--db", required=True, help="SQLAlchemy URL of the app's database, as a superuser")
    p.add_argument("--owner-role", default="airr_owner", help="role that owns the schema (default: airr_owner)")
    p.add_argument("--app-role", default="airr_app", help="role the app connects as (default: airr_app)")
    p = commands.add_parser("upgrade", help="bring the store's schema to this version (as the owner role)",
                            description="Migrate the store to this version of the app, one version at a time. On "
                                        "PostgreSQL connect as the owner role; the app roles keep their privileges "
                                        "on every table, new ones included.")
    p.add_argument("--db", help="SQLAlchemy database URL (default: the app's store)")
    p.add_argument("--app-role", action="append", default=[],
                   help="app role to grant (default: the roles already granted)")
    p = commands.add_parser("prune", help="delete review files older than the retention setting now",
                            description="Apply AIRR_RETENTION_DAYS now (the app also applies it when it saves a "
                                        "review). Decisions, a portfolio's latest file and files a meeting refers "
                                        "to are never deleted.")
    p.add_argument("--db", help="SQLAlchemy database URL (default: the app's store)")


def run(args: argparse.Namespace, usage_error: type[Exception]) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from core import roles
    from core.store import Store, StoreError, database_url

    url = args.db or database_url()
    try:
        if args.db_command == "roles":
            for line in roles.setup(url, args.owner_role, args.app_role, os.environ.get(OWNER_PASSWORD_ENV),
                                    os.environ.get(APP_PASSWORD_ENV)):
                print(line, file=sys.stderr)
            print(f"done: the app connects as {args.app_role}; migrations run as {args.owner_role} with "
                  "`python -m core db upgrade`.", file=sys.stderr)
        elif args.db_command == "upgrade":
            if url.startswith("postgresql"):
                found, granted = roles.upgrade(url, args.app_role)
                to = f"; granted {', '.join(granted)}" if granted else ""
                print(f"the store is at schema {found}{to}.", file=sys.stderr)
            else:
                print(f"the store is at schema {Store(url).version()}.", file=sys.stderr)
        else:
            removed = Store(url).prune()
            print(f"deleted {removed} review file{'' if removed == 1 else 's'} under the retention setting.",
                  file=sys.stderr)
    except (roles.RolesError, StoreError) as exc:
        raise usage_error(str(exc).rstrip(".")) from None
    except SQLAlchemyError as exc:  # for the administrator: the database's own first line says what it refused
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise usage_error(f"the database refused: {reason}") from None
    return 0
