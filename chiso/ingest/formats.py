"""The export formats Chỉ Số reads: columns, header spellings and value synonyms.

Operational systems (iGate, iOffice …) and the people who tidy their exports
name columns and values in many ways, so headers are matched with the same
folding as ``chiso.tabular`` (case, spaces, punctuation and diacritics ignored)
and each coded value has its Vietnamese synonyms. This module is data only.
"""

from __future__ import annotations

from dataclasses import dataclass

from chiso.tabular import normalize_header


@dataclass(frozen=True)
class Column:
    """One column of an export: its canonical name, type and header spellings.

    ``kind`` is ``id``, ``unit``, ``text``, ``enum``, ``datetime``, ``bool`` or ``score``
    (an integer from ``SCORE_RANGE``, or one of ``SCORE_WORDS``).
    ``required`` means the column must be in the header and every row must fill it.
    """

    name: str
    kind: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    choices: str | None = None  # key of ENUMS for kind "enum"


ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "service_level": {
        "full_online": ("full_online", "toàn trình", "trực tuyến toàn trình", "dvc trực tuyến toàn trình",
                        "mức độ 4", "mức 4", "4"),
        "partial_online": ("partial_online", "một phần", "trực tuyến một phần",
                           "dvc trực tuyến một phần", "mức độ 3", "mức 3", "3"),
        "offline": ("offline", "trực tiếp", "không trực tuyến", "mức độ 2", "mức 2", "2",
                    "mức độ 1", "mức 1", "1", "dịch vụ công cung cấp thông tin"),
    },
    "channel": {
        "online": ("online", "trực tuyến", "qua mạng", "dịch vụ công trực tuyến", "dvc"),
        "in_person": ("in_person", "in person", "trực tiếp", "tại quầy", "tại bộ phận một cửa", "một cửa"),
        "postal": ("postal", "bưu chính", "bưu điện", "bưu chính công ích", "bccí"),
    },
    "status": {
        "received": ("received", "pending", "processing", "đang xử lý", "đang giải quyết",
                     "đã tiếp nhận", "tiếp nhận", "chưa giải quyết", "chờ xử lý"),
        "resolved": ("resolved", "đã giải quyết", "đã xử lý", "hoàn thành", "đã trả kết quả",
                     "đã có kết quả", "giải quyết xong"),
        "rejected": ("rejected", "từ chối", "không đủ điều kiện", "không hợp lệ", "trả lại hồ sơ",
                     "bị từ chối"),
        "withdrawn": ("withdrawn", "rút hồ sơ", "đã rút", "rút", "hủy", "huỷ", "đã hủy", "đã huỷ",
                      "công dân rút hồ sơ"),
    },
    "office_level": {
        "province": ("province", "tỉnh", "cấp tỉnh", "sở", "sở ban ngành", "cơ quan cấp tỉnh",
                     "trung tâm phục vụ hành chính công tỉnh"),
        "district": ("district", "huyện", "cấp huyện", "quận", "thị xã", "cấp quận", "cấp huyện cũ"),
        "commune": ("commune", "xã", "cấp xã", "phường", "thị trấn", "đặc khu", "xã phường",
                    "xã phường thị trấn", "xã phường đặc khu", "ubnd cấp xã"),
    },
    "direction": {
        "outgoing": ("outgoing", "đi", "văn bản đi", "vb đi", "phát hành", "gửi"),
        "incoming": ("incoming", "đến", "văn bản đến", "vb đến", "nhận"),
    },
}

ENUM_HELP: dict[str, str] = {
    "service_level": "toàn trình (full_online), một phần (partial_online) hoặc trực tiếp (offline)",
    "channel": "trực tuyến (online), trực tiếp (in_person) hoặc bưu chính (postal)",
    "status": "received (đang xử lý), resolved (đã giải quyết), rejected (từ chối) hoặc withdrawn (rút)",
    "direction": "đi (outgoing) hoặc đến (incoming)",
    "office_level": "tỉnh (province), xã (commune) hoặc huyện (district, dữ liệu trước 01/7/2025)",
}

# Satisfaction ratings: an integer 1–5 (the national portal's five-level scale) or its words.
SCORE_RANGE: tuple[int, int] = (1, 5)
SCORE_WORDS: dict[str, int] = {
    "rất không hài lòng": 1, "không hài lòng": 2, "bình thường": 3, "chấp nhận được": 3,
    "hài lòng": 4, "rất hài lòng": 5,
}
SCORE_HELP = ("cần số nguyên từ 1 đến 5 (1 = rất không hài lòng, 2 = không hài lòng, 3 = bình thường, "
              "4 = hài lòng, 5 = rất hài lòng)")
SATISFIED_FROM = 4  # a rating of 4 (hài lòng) or 5 (rất hài lòng) counts as satisfied

DOSSIER_COLUMNS: tuple[Column, ...] = (
    Column("dossier_id", "id", "mã hồ sơ", ("mã hồ sơ", "số hồ sơ", "id", "dossier"), required=True),
    Column("unit", "unit", "đơn vị", ("mã đơn vị", "đơn vị", "cơ quan", "đơn vị tiếp nhận",
                                      "cơ quan giải quyết", "unit_code"), required=True),
    Column("procedure", "text", "thủ tục", ("thủ tục", "tên thủ tục", "mã thủ tục",
                                            "thủ tục hành chính")),
    Column("service_level", "enum", "mức độ", ("mức độ", "mức độ dịch vụ", "mức độ dvc",
                                               "mức độ dịch vụ công", "level"),
           required=True, choices="service_level"),
    Column("channel", "enum", "kênh nộp", ("kênh", "kênh nộp", "hình thức nộp", "hình thức tiếp nhận",
                                           "kênh tiếp nhận"), required=True, choices="channel"),
    Column("received_at", "datetime", "ngày tiếp nhận", ("ngày tiếp nhận", "ngày nhận",
                                                         "thời gian tiếp nhận", "received"),
           required=True),
    Column("due_at", "datetime", "ngày hẹn trả", ("ngày hẹn trả", "hạn giải quyết", "hạn xử lý",
                                                  "ngày hẹn trả kết quả", "due")),
    Column("resolved_at", "datetime", "ngày có kết quả", ("ngày có kết quả", "ngày trả kết quả",
                                                          "ngày hoàn thành", "ngày giải quyết",
                                                          "resolved")),
    Column("status", "enum", "trạng thái", ("trạng thái", "tình trạng", "trạng thái hồ sơ"),
           required=True, choices="status"),
    Column("e_result", "bool", "kết quả điện tử", ("kết quả điện tử", "có kết quả điện tử",
                                                   "trả kết quả điện tử", "kết quả bản điện tử")),
    Column("digitized", "bool", "số hoá", ("số hoá", "số hóa", "đã số hoá", "đã số hóa",
                                           "số hoá hồ sơ", "số hóa hồ sơ")),
    # Optional 2026 columns (Decision 766's service index); blank = unknown, never "no".
    # Aliases are specific on purpose: an old export's extra column ("Cấp", "Đánh giá") stays ignored.
    Column("paid_online", "bool", "thanh toán trực tuyến", ("thanh toán trực tuyến",
                                                            "đã thanh toán trực tuyến",
                                                            "thanh toán online", "thanh toán điện tử")),
    Column("published_on_time", "bool", "công khai kết quả đúng hạn", (
        "công khai kết quả đúng hạn", "công khai đúng hạn", "công khai kết quả đúng hạn trên cổng",
        "đồng bộ công khai đúng hạn")),
    Column("satisfaction", "score", "mức độ hài lòng", ("mức độ hài lòng", "đánh giá hài lòng",
                                                       "điểm hài lòng", "mức hài lòng",
                                                       "kết quả đánh giá hài lòng")),
    Column("reused_digitised", "bool", "tái sử dụng dữ liệu số hoá", (
        "tái sử dụng dữ liệu số hoá", "tái sử dụng dữ liệu số hóa", "tái sử dụng dữ liệu",
        "tái sử dụng kết quả số hoá", "tái sử dụng kết quả số hóa", "reused_digitized")),
    Column("office_level", "enum", "cấp của cơ quan tiếp nhận", (
        "cấp của cơ quan tiếp nhận", "cấp cơ quan tiếp nhận", "cấp tiếp nhận", "cấp hành chính",
        "cấp chính quyền"), choices="office_level"),
)

DOCUMENT_COLUMNS: tuple[Column, ...] = (
    Column("document_id", "id", "mã văn bản", ("mã văn bản", "id", "document"), required=True),
    Column("unit", "unit", "đơn vị", ("mã đơn vị", "đơn vị", "cơ quan", "unit_code"), required=True),
    Column("direction", "enum", "loại văn bản (đi/đến)", ("loại", "loại văn bản", "chiều",
                                                          "đi đến", "văn bản đi đến"),
           required=True, choices="direction"),
    Column("date", "datetime", "ngày", ("ngày", "ngày văn bản", "ngày ban hành", "ngày phát hành",
                                        "ngày đến", "ngày gửi nhận"), required=True),
    Column("electronic", "bool", "văn bản điện tử", ("điện tử", "văn bản điện tử", "gửi điện tử")),
    Column("signed", "bool", "ký số", ("ký số", "có ký số", "đã ký số", "chữ ký số")),
    Column("secret", "bool", "văn bản mật", ("mật", "văn bản mật", "độ mật")),
)

COLUMNS: dict[str, tuple[Column, ...]] = {"dossiers": DOSSIER_COLUMNS, "documents": DOCUMENT_COLUMNS}
ID_FIELD: dict[str, str] = {"dossiers": "dossier_id", "documents": "document_id"}


def header_map(kind: str) -> dict[str, str]:
    """Folded header spelling → canonical column name for ``kind``."""
    out: dict[str, str] = {}
    for col in COLUMNS[kind]:
        for spelling in (col.name, col.label, *col.aliases):
            out.setdefault(normalize_header(spelling), col.name)
    return out


def score_value(text: str) -> int | None:
    """A satisfaction rating as an integer in ``SCORE_RANGE`` ("4", "4.0", "hài lòng"), else None."""
    folded = normalize_header(text)
    for words, score in SCORE_WORDS.items():
        if normalize_header(words) == folded:
            return score
    raw = text.strip().replace(",", ".")
    if raw.endswith(".0"):
        raw = raw[:-2]
    if raw.isdigit() and SCORE_RANGE[0] <= int(raw) <= SCORE_RANGE[1]:
        return int(raw)
    return None


def enum_map(choices: str) -> dict[str, str]:
    """Folded value spelling → canonical code for one coded column (built once per column:
    the reader looks up every distinct spelling it meets)."""
    if choices not in _ENUM_MAPS:
        _ENUM_MAPS[choices] = _build_enum_map(choices)
    return _ENUM_MAPS[choices]


_ENUM_MAPS: dict[str, dict[str, str]] = {}


def _build_enum_map(choices: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for code, spellings in ENUMS[choices].items():
        for spelling in (code, *spellings):
            out[normalize_header(spelling)] = code
    return out
