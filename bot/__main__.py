"""Command line: `python -m bot COMMAND` (see `--help`)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from core.settings import Settings

ROLES = ("focal", "deputy", "head", "admin", "leader")
DESCRIPTION = (
    "Trợ lý phong trào thi đua “Đẩy mạnh cải cách hành chính” trên Telegram và Zalo. "
    "Without a command: run the bot if a token is configured, else open the terminal demo."
)


def _add_data_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """People and their personal data; backups."""
    ppl = sub.add_parser("people", help="list registered people with their ids, units and accounts")
    ppl.add_argument("--unit", default=None, help="only this unit's people (unit code)")
    per = sub.add_parser("person", help="a person's personal data")
    per_sub = per.add_subparsers(dest="person_command", metavar="ACTION", required=True)
    fg = per_sub.add_parser(
        "forget",
        help="erase a person's name, messenger accounts, messages and staged files; "
        "the unit's reports and the audit trail stay",
    )
    fg.add_argument("person_id", type=int, help="the person's id (see `people`)")
    fg.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    bk = sub.add_parser(
        "backup",
        help="write a consistent copy of the whole database to FILE while the bot runs "
        "(PostgreSQL: pg_dump -Fc; SQLite: its online backup)",
    )
    bk.add_argument("--out", type=Path, required=True, help="the backup file to write")
    rs = sub.add_parser(
        "restore", help="replace the whole database by a backup made by `backup` (asks first)"
    )
    rs.add_argument("file", type=Path, help="the backup file")
    rs.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bot",
        description=DESCRIPTION,
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="start the configured channels (Telegram, Zalo) and the scheduler")
    demo = sub.add_parser("demo", help="chat with the bot in the terminal, no token needed")
    demo.add_argument("--unit", default=None, help="unit code to act for (default: ask)")
    demo.add_argument("--role", choices=ROLES, default="focal")
    demo.add_argument(
        "--channel",
        choices=("telegram", "zalo"),
        default="telegram",
        help="show replies as this messenger would",
    )
    demo.add_argument(
        "--date",
        default=None,
        help="the demo's date, dd/mm/yyyy (default: today, or the same day in the campaign's year)",
    )
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser("upgrade", help="apply the migrations")
    camp = sub.add_parser("campaign", help="campaign definition files")
    camp_sub = camp.add_subparsers(dest="campaign_command", metavar="ACTION", required=True)
    load = camp_sub.add_parser(
        "load", help="validate a campaign file and load it into the database"
    )
    load.add_argument("file", type=Path)
    check = camp_sub.add_parser("check", help="validate a campaign file without loading it")
    check.add_argument("file", type=Path)
    sub.add_parser("units", help="list unit codes and names")
    _add_data_commands(sub)
    inv = sub.add_parser("invite", help="print one-time invite codes, one a line")
    inv.add_argument("unit_code")
    inv.add_argument("--role", choices=ROLES, default="focal")
    inv.add_argument("--count", type=int, default=1)
    dl = sub.add_parser("deadline", help="move or add a deadline")
    dl_sub = dl.add_subparsers(dest="deadline_command", metavar="ACTION", required=True)
    mv = dl_sub.add_parser("move", help="move a deadline to a new due date")
    mv.add_argument("code")
    mv.add_argument("due", help="dd/mm/yyyy")
    add = dl_sub.add_parser("add", help="add a deadline")
    add.add_argument("code")
    add.add_argument("due", help="dd/mm/yyyy")
    add.add_argument("--title", required=True)
    add.add_argument("--kinds", nargs="*", default=[])
    add.add_argument("--units", nargs="*", default=[])
    add.add_argument("--document", help="fulfilled by submitting this document type")
    add.add_argument("--report", help="fulfilled by the report of this frequency")
    add.add_argument("--initiative", action="store_true", help="fulfilled by an initiative")
    add.add_argument(
        "--command",
        dest="fulfil_command",  # not `command`: that is the top-level command's name
        help="the command that fulfils it, shown in reminders",
    )
    add.add_argument("--note")
    cal = sub.add_parser("calendar", help="mark a day off or a make-up working day")
    cal.add_argument("action", choices=("off", "work", "clear", "list"))
    cal.add_argument("day", nargs="?", default=None, help="dd/mm/yyyy (not for list)")
    cal.add_argument("--note", default="")
    exp = sub.add_parser("export", help="export the campaign's data to an Excel workbook")
    exp.add_argument("--out", type=Path, required=True)
    dr = sub.add_parser(
        "draft",
        help="write a Word draft from the data: bao-cao-thanh-tich, to-trinh, bien-ban, "
        "tong-ket (with its .xlsx annex), cong-van",
    )
    dr.add_argument("kind", help="bao-cao-thanh-tich | to-trinh | bien-ban | tong-ket | cong-van")
    dr.add_argument("--unit", help="the unit's code (bao-cao-thanh-tich, to-trinh, bien-ban)")
    dr.add_argument("--deadline", help="a deadline's or indicator's code (cong-van)")
    dr.add_argument("--out", type=Path, required=True)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings()
    command = args.command
    if command is None:
        command = "run" if (settings.telegram_bot_token or settings.zalo_bot_token) else "demo"
        if command == "demo":
            args = build_parser().parse_args(["demo"])
    from bot import cli

    handlers = {
        "run": cli.run,
        "demo": cli.demo,
        "db": cli.db,
        "campaign": cli.campaign,
        "units": cli.units,
        "people": cli.people,
        "person": cli.person,
        "backup": cli.backup,
        "restore": cli.restore,
        "invite": cli.invite,
        "export": cli.export,
        "draft": cli.draft,
        "deadline": cli.deadline,
        "calendar": cli.calendar,
    }
    try:
        code = handlers[command](settings, args)
        sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
        return code
    except BrokenPipeError:  # `python -m bot units | head`: the reader has gone, so be quiet
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
