"""Conversations, written once for every channel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.conversation import Router

if TYPE_CHECKING:
    from core.campaign import Campaign


def build_router(campaign: Campaign | None = None) -> Router:
    """Every conversation's router, joined; order sets the order of the menu. A command the
    campaign has no use for still answers, but is left out of menus and help."""
    from handlers import (
        admin,
        admin_yearend,
        articles,
        common,
        documents,
        forms,
        initiatives,
        registration,
        report,
        signoff,
        status,
        yearend,
    )

    root = Router()
    root.include(registration.router)
    root.include(report.router)
    root.include(status.router)
    root.include(signoff.router)
    root.include(initiatives.router)
    root.include(documents.router)
    root.include(articles.router)
    root.include(yearend.router)
    root.include(admin.router)
    root.include(admin_yearend.router)
    root.include(forms.router)
    root.include(common.router)
    if campaign is not None and not (campaign.sign_off.reports or campaign.sign_off.documents):
        root.hide_from_menu("xacnhan")
    return root
