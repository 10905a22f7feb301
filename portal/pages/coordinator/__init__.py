"""The coordinator's pages: the periods, each period's completeness board, consolidation, any agency's audit
history, entering a return received on paper or by e-mail, and the agencies' sign-in and API credentials. Every page and form is the coordinator's only."""

from __future__ import annotations

from fastapi import APIRouter

from portal.pages.coordinator import accounts, backfill, board, consolidations, periods, records

router = APIRouter(include_in_schema=False)
for area in (periods, board, consolidations, records, backfill, accounts):
    router.include_router(area.router)
