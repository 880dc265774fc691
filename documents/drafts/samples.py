"""Sample input for every draft, drawn from the Móng Cái 2024 campaign: for previews and tests."""

from __future__ import annotations

from datetime import date, datetime

from documents.drafts.model import (
    AchievementReport,
    CampaignSummary,
    Collective,
    CouncilMeeting,
    DocumentRef,
    IndicatorResult,
    Individual,
    Initiative,
    Issuer,
    LateItem,
    Nominee,
    Proposal,
    ReminderLetter,
    Shortfall,
    Signer,
    TargetAttainment,
    Verdict,
    Vote,
)

AS_OF = datetime(2024, 12, 20, 17, 30)
CITY = "Ủy ban nhân dân thành phố Móng Cái"
PHONG_NOI_VU = Issuer(parent="UBND thành phố Móng Cái", name="Phòng Nội vụ", abbreviation="PNV")
HAI_HOA = Issuer(parent="UBND thành phố Móng Cái", name="UBND phường Hải Hòa",
                 abbreviation="UBND")
HAI_HOA_COUNCIL = Issuer(parent="UBND phường Hải Hòa", name="Hội đồng Thi đua - Khen thưởng",
                         abbreviation="HĐTĐKT")
CHAIRMAN_HAI_HOA = Signer(title="Chủ tịch", name="Nguyễn Văn Thành",
                          authority="TM. Ủy ban nhân dân")
HEAD_PNV = Signer(title="Trưởng phòng", name="Trần Thị Hương")

INDICATORS = (
    IndicatorResult(
        name="Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn",
        target=100.0, result=99.2, verdict=Verdict.NOT_MET,
        initiatives=(Initiative(name="Tổ hỗ trợ số tại bộ phận một cửa",
                                status="Đã được công nhận", effect="Giảm 30% thời gian chờ"),),
        documents=(DocumentRef(number="15/KH-UBND", issued_on=date(2024, 1, 5),
                               summary="Kế hoạch cải cách hành chính phường Hải Hòa năm 2024"),),
    ),
    IndicatorResult(
        name="Tỷ lệ hồ sơ tiếp nhận trực tuyến toàn trình",
        target=80.0, result=95.5, verdict=Verdict.MET,
        documents=(DocumentRef(number="112/UBND", issued_on=date(2024, 3, 15),
                               summary="Về việc đẩy mạnh dịch vụ công trực tuyến toàn trình"),),
    ),
    IndicatorResult(
        name="Số lượt người dân được hướng dẫn dịch vụ công trực tuyến",
        target=1000.0, result=1234.0, verdict=Verdict.MET, unit="lượt",
    ),
    IndicatorResult(
        name="Chỉ số cải cách hành chính năm 2023",
        target="Khá trở lên", result=None, verdict=Verdict.UNKNOWN, unit="",
    ),
)


def collective_report() -> AchievementReport:
    """A ward's report for the provincial Bằng khen."""
    return AchievementReport(
        issuer=HAI_HOA,
        subject=Collective(
            name="Ủy ban nhân dân phường Hải Hòa, thành phố Móng Cái",
            address="Đường Hữu Nghị, phường Hải Hòa, thành phố Móng Cái, tỉnh Quảng Ninh",
            functions="Quản lý nhà nước trên địa bàn phường theo quy định của pháp luật",
            organisation="Chủ tịch, 02 Phó Chủ tịch và 12 công chức chuyên môn",
        ),
        award="Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
        indicators=INDICATORS,
        summary=("Năm 2024, Ủy ban nhân dân phường đã triển khai đồng bộ các nhiệm vụ cải cách "
                 "hành chính, kết quả thực hiện các chỉ tiêu thi đua như sau:",),
        signer=Signer(title="Chủ tịch", name="Nguyễn Văn Thành"),
        confirming_body=CITY,
        data_as_of=AS_OF,
    )


def individual_report() -> AchievementReport:
    """A civil servant's report for the city's Giấy khen."""
    return AchievementReport(
        issuer=HAI_HOA,
        subject=Individual(
            full_name="Lê Thị Ánh Tuyết", position="Công chức Văn phòng - Thống kê",
            unit="UBND phường Hải Hòa", birth_date=date(1990, 2, 5), gender="Nữ",
            hometown="Xã Vạn Ninh, thành phố Móng Cái", education="Cử nhân Luật",
        ),
        award="Giấy khen của Chủ tịch Ủy ban nhân dân thành phố",
        indicators=INDICATORS[:2],
        signer=Signer(title="Chủ tịch", name="Nguyễn Văn Thành"),
        confirming_body=CITY,
        data_as_of=AS_OF,
    )


NOMINEES = (
    Nominee(name="Bộ phận Tiếp nhận và Trả kết quả phường Hải Hòa",
            award="Giấy khen của Chủ tịch Ủy ban nhân dân thành phố",
            achievement="100% hồ sơ được giải quyết đúng hạn; 95,5% hồ sơ trực tuyến toàn trình",
            is_collective=True),
    Nominee(name="Lê Thị Ánh Tuyết", position="Công chức Văn phòng - Thống kê",
            unit="UBND phường Hải Hòa",
            award="Giấy khen của Chủ tịch Ủy ban nhân dân thành phố",
            achievement="Chủ trì sáng kiến Tổ hỗ trợ số tại bộ phận một cửa", is_collective=False),
    Nominee(name="Phạm Đức Long", position="Công chức Tư pháp - Hộ tịch",
            unit="UBND phường Hải Hòa",
            award="Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
            achievement="Số hóa 12.450 sổ hộ tịch, hoàn thành trước thời hạn",
            is_collective=False),
)


def unit_proposal() -> Proposal:
    """The ward's Tờ trình to the city Chairman."""
    return Proposal(
        issuer=HAI_HOA,
        addressee="Chủ tịch Ủy ban nhân dân thành phố Móng Cái",
        nominees=NOMINEES,
        signer=CHAIRMAN_HAI_HOA,
        recipients=("Như trên", "Phòng Nội vụ thành phố"),
        data_as_of=AS_OF,
        grounds=("Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
                 "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy "
                 "định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng;"),
        meeting_on=date(2024, 12, 5),
    )


def city_proposal() -> Proposal:
    """Phòng Nội vụ's Tờ trình to the Chairman of UBND thành phố."""
    return Proposal(
        issuer=PHONG_NOI_VU,
        addressee="Chủ tịch Ủy ban nhân dân thành phố",
        nominees=(
            *NOMINEES,
            Nominee(name="Ủy ban nhân dân xã Vĩnh Trung",
                    award="Giấy khen của Chủ tịch Ủy ban nhân dân thành phố",
                    achievement="Hoàn thành 100% chỉ tiêu thi đua đã đăng ký",
                    is_collective=True),
        ),
        signer=HEAD_PNV,
        recipients=("Như trên", "Phó Chủ tịch UBND thành phố (phụ trách)"),
        data_as_of=AS_OF,
    )


def council_meeting() -> CouncilMeeting:
    """The ward council's meeting of 05/12/2024."""
    return CouncilMeeting(
        issuer=HAI_HOA_COUNCIL,
        held_at=datetime(2024, 12, 5, 14, 0),
        venue="Hội trường Ủy ban nhân dân phường Hải Hòa",
        chair=Signer(title="Chủ tịch UBND phường, Chủ tịch Hội đồng", name="Nguyễn Văn Thành"),
        secretary=Signer(title="Công chức Văn phòng - Thống kê", name="Lê Thị Ánh Tuyết"),
        votes=tuple(Vote(name=n.name, award=n.award) for n in NOMINEES),
        data_as_of=AS_OF,
    )


def campaign_summary() -> CampaignSummary:
    """Phòng Nội vụ's year-end figures."""
    return CampaignSummary(
        issuer=PHONG_NOI_VU,
        targets=(
            TargetAttainment(name="Ban hành kế hoạch cải cách hành chính năm 2024", met=22,
                             applicable=22),
            TargetAttainment(name="Giải quyết đúng hạn 100% hồ sơ thủ tục hành chính", met=21,
                             applicable=22),
            TargetAttainment(name="Gửi báo cáo cải cách hành chính hằng quý đúng hạn", met=1234,
                             applicable=1300),
        ),
        units=34, reports=1234, initiatives_registered=48, initiatives_effective=31,
        initiatives=(
            Initiative(name="Tổ hỗ trợ số tại bộ phận một cửa", status="Đã được công nhận",
                       effect="Giảm 30% thời gian chờ", unit="UBND phường Hải Hòa"),
            Initiative(name="Bản đồ số thủ tục hành chính", status="Đang áp dụng thử",
                       effect="Chưa đánh giá", unit="Trung tâm Hành chính công thành phố"),
        ),
        shortfalls=(
            Shortfall(unit="UBND xã Hải Sơn",
                      missing="Giải quyết đúng hạn 100% hồ sơ thủ tục hành chính"),
        ),
        signer=HEAD_PNV,
        recipients=("UBND thành phố (b/c)", "Các cơ quan, đơn vị, xã, phường"),
        data_as_of=AS_OF,
    )


def reminder_letter() -> ReminderLetter:
    """Phòng Nội vụ's reminder to two late units."""
    return ReminderLetter(
        issuer=PHONG_NOI_VU,
        subject="đôn đốc báo cáo kết quả phong trào thi đua “Đẩy mạnh cải cách hành chính” "
                "năm 2024",
        items=(
            LateItem(unit="UBND xã Hải Sơn", missing="Báo cáo cải cách hành chính quý IV",
                     deadline=date(2024, 12, 15)),
            LateItem(unit="UBND xã Bắc Sơn", missing="Báo cáo thành tích đề nghị khen thưởng",
                     deadline=date(2024, 12, 18)),
            LateItem(unit="UBND xã Hải Sơn", missing="Biên bản họp Hội đồng Thi đua - Khen thưởng",
                     deadline=date(2024, 12, 18)),
        ),
        reply_by=date(2024, 12, 25),
        signer=HEAD_PNV,
        recipients=("Như trên", "UBND thành phố (b/c)"),
        data_as_of=AS_OF,
    )
