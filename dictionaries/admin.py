"""Hand-written administrative vocabulary (this project's own lists), read by build.py.

Document types and abbreviations follow Decree 30/2020/NĐ-CP (Appendix III, see shared/docs/decree30.md);
agency names and positions are the usual names of the state apparatus (Law on Organisation of Local
Government, Law on Government Organisation); acronyms and English words are those seen in provincial
administrative-reform plans and reports.
"""

# (abbreviation, full name) — Decree 30 Appendix III, copies, and the legal normative forms
DOCTYPES = [
    ("NQ", "Nghị quyết"), ("QĐ", "Quyết định"), ("CT", "Chỉ thị"), ("QC", "Quy chế"), ("QyĐ", "Quy định"),
    ("TC", "Thông cáo"), ("TB", "Thông báo"), ("HD", "Hướng dẫn"), ("CTr", "Chương trình"),
    ("KH", "Kế hoạch"), ("PA", "Phương án"), ("ĐA", "Đề án"), ("DA", "Dự án"), ("BC", "Báo cáo"),
    ("BB", "Biên bản"), ("TTr", "Tờ trình"), ("HĐ", "Hợp đồng"), ("CĐ", "Công điện"),
    ("BGN", "Bản ghi nhớ"), ("BTT", "Bản thỏa thuận"), ("GUQ", "Giấy ủy quyền"), ("GM", "Giấy mời"),
    ("GGT", "Giấy giới thiệu"), ("GNP", "Giấy nghỉ phép"), ("PG", "Phiếu gửi"), ("PC", "Phiếu chuyển"),
    ("PB", "Phiếu báo"), ("SY", "Bản sao y"), ("TrS", "Bản trích sao"), ("SL", "Bản sao lục"),
    ("NĐ-CP", "Nghị định"), ("QĐ-TTg", "Quyết định của Thủ tướng Chính phủ"), ("CT-TTg", "Chỉ thị của Thủ tướng Chính phủ"),
    ("NQ-CP", "Nghị quyết của Chính phủ"), ("QH", "Luật, Nghị quyết của Quốc hội"),
    ("UBTVQH", "Nghị quyết, Pháp lệnh của Ủy ban Thường vụ Quốc hội"), ("TT", "Thông tư"),
    ("TTLT", "Thông tư liên tịch"), ("L-CTN", "Lệnh công bố của Chủ tịch nước"), ("PL", "Pháp lệnh"),
]
# document type names as printed (also in capitals as headings); công văn has no abbreviation
DOCTYPE_EXTRA = ["Công văn", "Luật", "Bộ luật", "Pháp lệnh", "Nghị định", "Thông tư", "Thông tư liên tịch",
                 "Hiến pháp", "Lệnh", "Điều lệ", "Kết luận", "Phụ lục"]

AGENCIES = [
    "Quốc hội", "Ủy ban Thường vụ Quốc hội", "Chính phủ", "Thủ tướng Chính phủ", "Chủ tịch nước",
    "Văn phòng Chính phủ", "Văn phòng Quốc hội", "Tòa án nhân dân tối cao", "Viện kiểm sát nhân dân tối cao",
    "Kiểm toán nhà nước", "Mặt trận Tổ quốc Việt Nam", "Ủy ban Mặt trận Tổ quốc Việt Nam",
    "Bộ Nội vụ", "Bộ Ngoại giao", "Bộ Tài chính", "Bộ Kế hoạch và Đầu tư", "Bộ Tư pháp", "Bộ Công an",
    "Bộ Quốc phòng", "Bộ Công Thương", "Bộ Xây dựng", "Bộ Giao thông vận tải", "Bộ Y tế",
    "Bộ Giáo dục và Đào tạo", "Bộ Khoa học và Công nghệ", "Bộ Thông tin và Truyền thông",
    "Bộ Tài nguyên và Môi trường", "Bộ Nông nghiệp và Phát triển nông thôn",
    "Bộ Lao động - Thương binh và Xã hội", "Bộ Văn hóa, Thể thao và Du lịch", "Ngân hàng Nhà nước Việt Nam",
    "Thanh tra Chính phủ", "Ủy ban Dân tộc",
    "Ủy ban nhân dân", "Hội đồng nhân dân", "Thường trực Hội đồng nhân dân", "Ban Thường vụ Tỉnh ủy",
    "Tỉnh ủy", "Thành ủy", "Huyện ủy", "Đảng ủy", "Văn phòng Ủy ban nhân dân", "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân",
    "Sở Nội vụ", "Sở Ngoại vụ", "Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Sở Tư pháp", "Sở Công Thương",
    "Sở Xây dựng", "Sở Giao thông vận tải", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Khoa học và Công nghệ",
    "Sở Thông tin và Truyền thông", "Sở Tài nguyên và Môi trường", "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Lao động - Thương binh và Xã hội", "Sở Văn hóa, Thể thao và Du lịch", "Sở Văn hóa và Thể thao",
    "Sở Du lịch", "Sở Quy hoạch - Kiến trúc", "Thanh tra tỉnh", "Thanh tra thành phố", "Ban Dân tộc",
    "Ban Quản lý các khu công nghiệp", "Ban Quản lý Khu kinh tế", "Trung tâm Phục vụ hành chính công",
    "Bộ phận Một cửa", "Bộ phận tiếp nhận và trả kết quả", "Cổng Dịch vụ công quốc gia",
    "Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "Kho bạc Nhà nước",
    "Cục Thuế", "Chi cục Thuế", "Cục Thống kê", "Bảo hiểm xã hội", "Đài Phát thanh và Truyền hình",
    "Báo", "Liên đoàn Lao động", "Tỉnh đoàn", "Hội Liên hiệp Phụ nữ", "Hội Nông dân", "Hội Cựu chiến binh",
    "Phòng Nội vụ", "Phòng Tài chính - Kế hoạch", "Phòng Tư pháp", "Phòng Văn hóa và Thông tin",
    "Phòng Tài nguyên và Môi trường", "Phòng Kinh tế", "Phòng Kinh tế và Hạ tầng", "Phòng Quản lý đô thị",
    "Phòng Giáo dục và Đào tạo", "Phòng Y tế", "Phòng Lao động - Thương binh và Xã hội",
    "Phòng Nông nghiệp và Phát triển nông thôn", "Phòng Dân tộc", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân",
    "Văn phòng Sở", "Phòng Cải cách hành chính", "Phòng Xây dựng chính quyền và Công tác thanh niên",
    "Phòng Tổ chức, biên chế và tổ chức phi chính phủ", "Phòng Công chức, viên chức",
    "Phòng Hành chính - Tổng hợp", "Phòng Kế hoạch - Tài chính", "Phòng Thanh tra", "Ban Thi đua - Khen thưởng",
    "Chi cục Văn thư - Lưu trữ", "Trung tâm Lưu trữ lịch sử",
]

POSITIONS = [
    "Chủ tịch", "Phó Chủ tịch", "Chủ tịch nước", "Phó Chủ tịch nước", "Thủ tướng", "Phó Thủ tướng",
    "Bộ trưởng", "Thứ trưởng", "Chủ nhiệm", "Phó Chủ nhiệm", "Tổng Thư ký", "Bí thư", "Phó Bí thư",
    "Giám đốc", "Phó Giám đốc", "Chánh Văn phòng", "Phó Chánh Văn phòng", "Chánh Thanh tra",
    "Phó Chánh Thanh tra", "Trưởng ban", "Phó Trưởng ban", "Trưởng phòng", "Phó Trưởng phòng",
    "Cục trưởng", "Phó Cục trưởng", "Chi cục trưởng", "Phó Chi cục trưởng", "Vụ trưởng", "Phó Vụ trưởng",
    "Tổng cục trưởng", "Thủ trưởng", "Ủy viên", "Ủy viên Thường trực", "Đại biểu Quốc hội",
    "Chuyên viên", "Chuyên viên chính", "Chuyên viên cao cấp", "Văn thư", "Kế toán", "Thanh tra viên",
    "Công chức", "Viên chức", "Người đứng đầu", "Tổ trưởng", "Tổ phó", "Thư ký", "Kế toán trưởng",
]
SIGNING = [("TM.", "thay mặt"), ("KT.", "ký thay"), ("TL.", "thừa lệnh"), ("TUQ.", "thừa ủy quyền"),
           ("Q.", "quyền")]
# the fixed formulas of the Decree 30 layout (Appendix I) that the training corpora (laws, Wikipedia)
# hardly ever print: `Kính gửi` occurs 3 times there, but heads every official letter
FORMULAS = ["Cộng hòa xã hội chủ nghĩa Việt Nam", "Độc lập - Tự do - Hạnh phúc", "Kính gửi", "Nơi nhận",
            "Như trên", "Kính trình"]

UNIT_TYPES = ["Tỉnh", "Thành phố", "Quận", "Huyện", "Thị xã", "Phường", "Xã", "Thị trấn", "Thôn", "Ấp",
              "Bản", "Buôn", "Tổ dân phố", "Khu phố", "Khu", "Xóm", "Đặc khu"]

# acronyms and codes that must stay as printed (kind acronym)
ACRONYMS = """UBND HĐND NĐ-CP NĐ QĐ TTHC CCHC SIPAS PAPI PAR ISO TCVN QCVN KH-UBND UBMTTQ MTTQ MTTQVN
TW TƯ BCH BTV BCĐ BCSĐ ĐCSVN CNXH XHCN KT-XH KTXH CNTT NSNN GDP GRDP PCI DDCI ICT UBTVQH HĐBT QH CP TTg
VP VPCP BNV BTC BKHĐT BTP BCA BQP BYT BGDĐT BTTTT BTNMT BNNPTNT BLĐTBXH BVHTTDL NHNN TTCP KTNN VKSND TAND
TAND VKS CA CAND QĐND QSND BHXH BHYT BHTN KBNN SNV SNgV STC SKHĐT STP SCT SXD SGTVT SYT SGDĐT SKHCN STTTT
STNMT SNNPTNT SLĐTBXH SVHTTDL BQL KCN KKT KCX TTPVHCC HCC DVC DVCTT VNeID CCCD CMND CSDL LGSP NDXP
TTĐT CSDLQG QLVB ĐHTN HTQLCL ĐTN ĐVHC HTX DNNN DN UBKT ĐU HU TU THCS THPT TH MN GD&ĐT KH&CN TT&TT
VH-TT&DL LĐ-TB&XH NN&PTNT TN&MT GTVT VT VTLT LĐLĐ HLHPN HND HCCB CCB ĐTN TNCS HCM TP TX TT UBMT BHĐ
PCCC PCTN THTK CLP ATTP ATGT ANTT ANQP ATVSLĐ VSATTP PC ĐBQH ĐBHĐND NCKH KPI OCOP ODA FDI PPP BOT BT WTO
ASEAN APEC EU UN UNDP UNICEF WHO ILO CPTPP EVFTA RCEP USD VNĐ VND QR SMS IT AI IoT GIS API CNTT-TT STT""".split()

# common English (and international) words in Vietnamese administrative text (kind english)
ENGLISH = """Index index online Online offline website Website web Web email Email e-mail E-mail internet Internet
Intranet intranet smartphone app App mobile Mobile Zalo Facebook YouTube Youtube Google Microsoft Office
Word Excel PowerPoint PDF pdf Windows Linux software hardware server Server cloud Cloud data Data
Big Smart smart City Digital digital Government Portal portal Hotline hotline fanpage Fanpage livestream
video Video clip camera Camera wifi Wifi WiFi Wi-Fi laptop tablet scan Scan scanner token Token USB
password username login Login account Account code Code QR-code Startup startup Hackathon Forum forum
Workshop workshop Seminar seminar Logistics logistics Marketing marketing Public Administration Reform
Performance Satisfaction Governance Provincial Competitiveness Report report Top top Award award
Online-Offline e-Government e-government eGov Digital-Government Blockchain blockchain Chatbot chatbot
Dashboard dashboard""".split()
