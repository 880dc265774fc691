"""Phòng Nội vụ's commands, joined in one router (each module holds a group of them).

- `handlers.admin_overview`: /tonghop, /quahan, /khenthuong, /xuat
- `handlers.admin_review`: /duyet
- `handlers.admin_outreach`: /dondoc, /thongbao, /moi
- `handlers.admin_assess`: /danhgia (the award criteria officers assess, e.g. g0)

Who reaches which units is in `handlers.admin_common`.
"""

from __future__ import annotations

from core.conversation import Router
from handlers import admin_assess, admin_outreach, admin_overview, admin_review

router = Router()
router.include(admin_overview.router)
router.include(admin_review.router)
router.include(admin_outreach.router)
router.include(admin_assess.router)
