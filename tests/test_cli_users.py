"""`cspdash users`: add, list, set-role, disable; clear messages and exit 1 when it can't."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from cli.main import cli
from store.db import session_scope
from store.models import ChangeLog, User
from store.users import authenticate


@pytest.fixture
def run(engine, database_url, monkeypatch):
    """Invoke cspdash against a migrated database; returns the click Result."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


def test_cli_users_add_with_password_stdin_then_list(run, engine):
    result = run("users", "add", "priya", "--role", "analyst", "--password-stdin", input="a long passphrase\n")
    assert result.exit_code == 0, result.output
    assert result.output == "Added priya (analyst).\n"
    listed = run("users", "list")
    assert listed.exit_code == 0
    lines = listed.output.splitlines()
    assert lines[0].split() == ["name", "role", "active", "added", "display", "name", "email"]
    assert lines[1].split()[:3] == ["priya", "analyst", "yes"]
    with session_scope(engine) as session:
        assert authenticate(session, "priya", "a long passphrase") is not None
        stored = session.scalar(select(User.password_hash))
        assert "a long passphrase" not in stored
        entry = session.scalars(select(ChangeLog)).one()
        assert (entry.user, entry.action, entry.entity, entry.key) == ("cli", "add", "user", "priya")
        assert "a long passphrase" not in str(entry.detail)


def test_cli_users_add_prompts_twice_without_echoing(run, engine):
    result = run("users", "add", "sam", input="a long passphrase\na long passphrase\n")
    assert result.exit_code == 0, result.output
    assert "a long passphrase" not in result.output
    assert "Password:" in result.output and "Repeat for confirmation:" in result.output
    assert result.output.endswith("Added sam (viewer).\n")


def test_cli_users_add_duplicate_fails_clearly(run):
    run("users", "add", "priya", "--password-stdin", input="a long passphrase\n")
    result = run("users", "add", "Priya", "--role", "admin", "--password-stdin", input="another passphrase\n")
    assert result.exit_code == 1
    assert result.output == "Error: a user called 'Priya' already exists\n"


def test_cli_users_add_short_password_fails_clearly(run):
    result = run("users", "add", "priya", "--password-stdin", input="short\n")
    assert result.exit_code == 1
    assert result.output == "Error: the password must be at least 12 characters long\n"


@pytest.mark.parametrize(
    "args",
    [("users", "set-role", "ghost", "admin"), ("users", "disable", "ghost"), ("users", "enable", "ghost")],
)
def test_cli_users_unknown_user_fails_clearly(run, args):
    result = run(*args)
    assert result.exit_code == 1
    assert result.output == "Error: no user called 'ghost'; see `cspdash users list`\n"


def test_cli_users_set_role_and_disable(run, engine):
    run("users", "add", "priya", "--password-stdin", input="a long passphrase\n")
    assert run("users", "set-role", "priya", "admin").output == "priya is now admin.\n"
    assert run("users", "disable", "PRIYA").output == "priya is disabled and can no longer sign in.\n"
    assert "no (disabled)" in run("users", "list").output
    with session_scope(engine) as session:
        assert authenticate(session, "priya", "a long passphrase") is None
        actions = [e.action for e in session.scalars(select(ChangeLog).order_by(ChangeLog.id))]
        assert actions == ["add", "set-role", "disable"]
    assert run("users", "enable", "priya").exit_code == 0


def test_cli_users_set_role_refuses_unknown_role(run):
    run("users", "add", "priya", "--password-stdin", input="a long passphrase\n")
    result = run("users", "set-role", "priya", "boss")
    assert result.exit_code == 2
    assert "'boss' is not one of 'viewer', 'analyst', 'lead', 'admin'" in result.output


def test_cli_users_list_when_empty(run):
    assert run("users", "list").output == "No users yet: add one with `cspdash users add NAME --role analyst`.\n"


def test_cli_users_every_command_has_help():
    runner = CliRunner()
    for command in ("add", "list", "set-role", "disable", "enable", "set-password"):
        result = runner.invoke(cli, ["users", command, "--help"])
        assert result.exit_code == 0
        assert len(result.output.split("\n\n")[1].strip()) > 10, command


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (("users", "add", "priya"), "elevenchars", "the password must be at least 12 characters long"),
        (("users", "add", "Priya.Shah"), "priya.shah", "the password must be at least 12 characters long"),
        (("users", "add", "priya.shah.cs"), "PRIYA.SHAH.CS", "the password must not be the user name"),
    ],
)
def test_cli_users_password_rules(run, engine, args, password, message):
    result = run(*args, "--password-stdin", input=password + "\n")
    assert result.exit_code == 1
    assert message in result.output
    with session_scope(engine) as session:
        assert session.scalar(select(User)) is None


def test_cli_users_set_password_refuses_the_name_and_short_ones_and_ends_sessions(run, engine):
    assert run("users", "add", "sam.jones.123", "--password-stdin", input="a long passphrase\n").exit_code == 0
    with session_scope(engine) as session:
        before = session.scalar(select(User.session_version))
    refused = run("users", "set-password", "sam.jones.123", "--password-stdin", input="Sam.Jones.123\n")
    assert refused.exit_code == 1 and "must not be the user name" in refused.output
    assert run("users", "set-password", "sam.jones.123", "--password-stdin", input="short\n").exit_code == 1
    assert run("users", "set-password", "sam.jones.123", "--password-stdin", input="another passphrase\n").exit_code == 0
    with session_scope(engine) as session:
        assert session.scalar(select(User.session_version)) == before + 1


def test_cli_users_unlock_says_when_there_was_nothing(run):
    result = run("users", "unlock", "nobody")
    assert result.exit_code == 0
    assert result.output == "There was no lock or failed sign-in recorded for user nobody.\n"
    assert run("users", "unlock").output == "Nothing is locked.\n"


def test_cli_users_display_name_and_email_on_add_and_set(run, engine):
    result = run(
        "users", "add", "priya", "--role", "lead", "--display-name", "  Priya   Shah ", "--email", "priya.shah@havering.gov.uk",
        "--password-stdin", input="a long passphrase\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output == "Added priya (lead): Priya Shah, priya.shah@havering.gov.uk.\n"
    listed = run("users", "list").output.splitlines()
    assert "Priya Shah" in listed[1] and listed[1].endswith("priya.shah@havering.gov.uk")
    assert (
        run("users", "set", "PRIYA", "--display-name", "Dr Priya Shah").output
        == "Saved priya: Dr Priya Shah, priya.shah@havering.gov.uk.\n"
    )
    assert run("users", "set", "priya", "--email", "").output == "Saved priya: Dr Priya Shah.\n"
    with session_scope(engine) as session:
        user = session.scalars(select(User)).one()
        assert (user.display_name, user.email) == ("Dr Priya Shah", None)
        log = [(c.action, c.detail) for c in session.scalars(select(ChangeLog).order_by(ChangeLog.id))]
    assert log[0] == (
        "add",
        {"new": {"role": "lead", "active": True, "display_name": "Priya Shah", "email": "priya.shah@havering.gov.uk"}},
    )
    assert log[1] == ("set-details", {"old": {"display_name": "Priya Shah"}, "new": {"display_name": "Dr Priya Shah"}})
    assert log[2] == ("set-details", {"old": {"email": "priya.shah@havering.gov.uk"}, "new": {"email": None}})


@pytest.mark.parametrize("email", ["priya", "priya@localhost", "pri ya@havering.gov.uk", "@havering.gov.uk"])
def test_cli_users_bad_email_fails_clearly_and_changes_nothing(run, engine, email):
    run("users", "add", "priya", "--password-stdin", input="a long passphrase\n")
    result = run("users", "set", "priya", "--email", email)
    assert result.exit_code == 1
    assert result.output == f"Error: {email!r} is not an email address: expected something like name@council.gov.uk\n"
    added = run("users", "add", "sam", "--email", email, "--password-stdin", input="a long passphrase\n")
    assert added.exit_code == 1
    with session_scope(engine) as session:
        assert [u.email for u in session.scalars(select(User))] == [None]


def test_cli_users_set_needs_something_to_set(run):
    run("users", "add", "priya", "--password-stdin", input="a long passphrase\n")
    result = run("users", "set", "priya")
    assert result.exit_code == 2 and "Give --display-name and/or --email." in result.output


def test_display_names_fall_back_to_the_login_name(engine):
    from store.users import add_user, display_names

    with session_scope(engine) as session:
        add_user(session, "lee", "a long passphrase", "lead", display_name="Lee Okafor")
        add_user(session, "sam", "a long passphrase")
    with session_scope(engine) as session:
        assert display_names(session, ["LEE", "sam", "cli", None]) == {"LEE": "Lee Okafor", "sam": "sam", "cli": "cli"}
