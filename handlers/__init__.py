"""Conversations, written once for every channel."""

from __future__ import annotations

from bot.conversation import Router


def build_router() -> Router:
    """Every conversation's router, joined; order sets the order of the menu."""
    from handlers import (
        admin,
        articles,
        common,
        documents,
        forms,
        initiatives,
        registration,
        report,
        status,
    )

    root = Router()
    root.include(registration.router)
    root.include(report.router)
    root.include(status.router)
    root.include(initiatives.router)
    root.include(documents.router)
    root.include(articles.router)
    root.include(admin.router)
    root.include(forms.router)
    root.include(common.router)
    return root
