// Every word the clerk reads, in one place (S). Plain Vietnamese; no jargon. The technician's
// setup screen, the register book and the on-screen keyboard keep theirs beside it (strings-setup.ts,
// strings-book.ts, strings-keyboard.ts).
import type { FieldKey } from '../../appliance/extract/fields.js';
import type { DocumentState } from '../../appliance/events.js';
import type { ErrorInfo } from '../../appliance/errors.js';
import { BOOK_STRINGS } from './strings-book.js';
import { KEYBOARD_STRINGS } from './strings-keyboard.js';
import { SETUP_STRINGS } from './strings-setup.js';

export const S = {
  appName: 'Sohoa — Văn thư',
  nav: { scan: 'Quét', status: 'Trạng thái', book: 'Sổ đăng ký', token: 'Khoá ký số', user: 'Người dùng' },

  book: BOOK_STRINGS,

  duplicate: {
    warning: (n: number, date: string) => `Văn bản này có thể đã được đăng ký: cùng cơ quan ban hành và số, ký hiệu với văn bản số đến ${n} ngày ${date}. Hãy kiểm tra trước khi đăng ký.`,
  },

  demo: {
    label: 'THỬ NGHIỆM',
    profile: 'Máy chưa được cấu hình cho cơ quan: mọi bộ phận đều là bản thử nghiệm, văn bản KHÔNG được gửi đi thật.',
    parts: (list: string[]) => `Máy đang dùng ${list.join(', ')}. Không dùng cho văn bản thật.`,
    part: {
      central: 'hệ thống nhận văn bản thử nghiệm ngay trong máy (văn bản không rời khỏi máy)',
      scanner: 'máy quét mô phỏng',
      token: 'khoá ký số thử nghiệm',
      seal: 'con dấu thử nghiệm',
      account: 'tài khoản thử nghiệm',
    },
  },

  connection: {
    online: 'Đã kết nối',
    offline: 'Mất kết nối với thiết bị — đang kết nối lại…',
    locked: 'Tạm thời chưa sửa, đăng ký hay quét được. Những gì đã nhập vẫn được giữ nguyên và dùng tiếp được ngay khi kết nối lại.',
  },

  user: {
    title: 'Đăng nhập',
    intro: 'Chạm vào tên của bạn rồi nhập mã PIN. Mọi thao tác quét, sửa, đăng ký, ký số được ghi lại theo tên này.',
    noAccounts: 'Chưa có tài khoản nào — hãy nhờ kỹ thuật viên tạo',
    noAccountsHint: 'Kỹ thuật viên tạo tài khoản cho từng người bằng lệnh: sohoa users add "Họ và tên"',
    pickName: 'Chọn tên của bạn',
    pinFor: (n: string) => `Mã PIN của ${n}`,
    pinLabel: 'Mã PIN',
    submit: 'Đăng nhập',
    submitting: 'Đang kiểm tra mã PIN…',
    logout: 'Đăng xuất',
    current: (n: string) => `Đang làm việc: ${n}`,
    role: { clerk: 'Văn thư', technician: 'Kỹ thuật viên' },
    expired: 'Phiên làm việc đã kết thúc vì lâu không thao tác. Hãy đăng nhập lại: việc đang làm dở vẫn được giữ nguyên.',
    loggedOut: 'Đã đăng xuất.',
  },

  scan: {
    start: 'Quét',
    startHint: 'Đặt văn bản vào khay nạp giấy rồi chạm nút quét bên trái (ví dụ “Văn bản đến”).',
    starting: 'Đang khởi động máy quét…',
    scanningPage: (n: number) => `Đang quét trang ${n}…`,
    recognising: 'Đang nhận dạng chữ…',
    review: 'Kiểm tra thông tin rồi chạm “Đăng ký”.',
    blank: 'trang trắng — bỏ qua',
    page: (n: number) => `Trang ${n}`,
    pagesKept: (n: number) => `${n} trang được giữ lại`,
    discard: 'Huỷ bản quét',
    discardConfirm: 'Chạm lần nữa để huỷ',
    newScan: 'Quét văn bản tiếp theo',
    failed: 'Không quét được văn bản.',
    noPagesYet: 'Chưa có trang nào.',
    continue: 'Quét tiếp',
    /**
     * A scan that stopped with pages kept: what happened, after which page, and what to touch.
     * The scanner's own wording says "bấm Quét"; here the pages are kept and the job goes on.
     */
    interrupted: (e: ErrorInfo, lastPage: number): string => {
      switch (e.code) {
        case 'scanner.jammed': return `Kẹt giấy sau trang ${lastPage}: gỡ giấy kẹt, đặt lại các trang chưa quét vào khay rồi chạm “Quét tiếp”.`;
        case 'scanner.no-docs': return `Khay nạp giấy trống sau trang ${lastPage}: đặt các trang còn lại vào khay rồi chạm “Quét tiếp”. Nếu đã đủ trang, hãy kiểm tra rồi chạm “Đăng ký”.`;
        case 'scanner.cover-open': return `Nắp máy quét mở sau trang ${lastPage}: đóng nắp, đặt lại các trang chưa quét vào khay rồi chạm “Quét tiếp”.`;
        default: return e.message;
      }
    },
    pagesSafe: 'Các trang đã quét vẫn được giữ.',
    pendingTitle: (n: number) => `Chờ kiểm tra (${n})`,
    pendingUnnamed: (startedAt: string) => `Bản quét lúc ${new Date(startedAt).toLocaleTimeString('vi-VN', { hour: '2-digit', minute: '2-digit' })}`,
    pendingFailed: 'Chưa đọc được — mở để xem',
    stopped: 'Máy quét đã dừng giữa chừng — xem hướng dẫn bên phải.',
    // --- capturehw ---
    profilesLabel: 'Chọn cách quét',
    /** The line under a profile button: source, sides, resolution, colour. */
    profileSummary: (p: { source: string; duplex: boolean; dpi: number; mode: string; batch: boolean }) =>
      `${p.source === 'flatbed' ? 'Mặt kính' : p.duplex ? 'Khay, hai mặt' : 'Khay, một mặt'} · ${p.dpi} dpi · ${p.mode === 'color' ? 'màu' : 'xám'}${p.batch ? ' · cả tập' : ''}`,
    resume: 'Tiếp tục',
    waitingScanner: 'Đang chờ máy quét…',
    scannerBack: 'Đã nhận lại máy quét: đặt các trang chưa quét vào khay rồi chạm “Tiếp tục”.',
  },

  batch: {
    start: 'Quét cả tập',
    startHint: 'Cả chồng giấy? Đặt cả tập vào khay rồi chạm nút quét hàng loạt (ví dụ “Số hóa hàng loạt”): máy tự tách thành từng văn bản.',
    starting: 'Đang khởi động máy quét…',
    progress: (pages: number, found: number) => `Đã quét ${pages} trang — tìm thấy ${found} văn bản`,
    reading: (done: number, found: number) => `Đang đọc thông tin: ${done}/${found} văn bản`,
    walkAway: 'Bạn có thể để máy tự quét và quay lại sau. Danh sách văn bản sẽ hiện ở đây.',
    waiting: (n: number) => `${n} văn bản chờ kiểm tra`,
    choose: 'Chạm vào một văn bản trong danh sách để kiểm tra và đăng ký.',
    noneFound: 'Không tìm thấy văn bản nào trong tập (chỉ có trang trắng).',
    allDone: 'Đã xong cả tập.',
    single: 'Quét từng văn bản',
    reading1: 'Đang đọc…',
    noNotation: '(chưa đọc được số, ký hiệu)',
    pages: (n: number) => `${n} trang`,
    splitDoubt: 'Kiểm tra chỗ tách',
    fieldDoubt: 'Có ô cần kiểm tra',
    failed: 'Không đọc được — kiểm tra hoặc huỷ',
    merge: 'Gộp với văn bản trước',
    splitHint: 'Máy chưa chắc văn bản này bắt đầu ở trang đầu tiên. Xem các trang: nếu là phần tiếp theo của văn bản trước, chạm “Gộp với văn bản trước”.',
    registered: (n: number | null, notation: string | null) => `Đã đăng ký ${notation ?? ''}${n === null ? '' : ` — số đến ${n}`}.`,
    // --- capturestack ---
    nextDocument: 'Tài liệu tiếp theo',
    nextDocumentHint: 'Chạm khi văn bản đang quét đã hết: trang quét sau bắt đầu văn bản mới. Cũng có thể đặt tờ phân cách giữa các văn bản.',
    nextDocumentDone: (page: number) => `Đã đánh dấu: văn bản mới bắt đầu sau trang ${page}.`,
    // --- ui11 ---
    leave: '‹ Quét tiếp',
    leaveHint: 'Các văn bản chưa kiểm tra vẫn chờ trong danh sách “Chờ kiểm tra”.',
    openBatch: (n: number) => `Tập đã quét: ${n} văn bản chờ kiểm tra`,
  },

  review: {
    title: 'Kiểm tra',
    doubtful: 'Ô viền cam (⚠): máy đọc chưa chắc chắn — hãy kiểm tra kỹ.',
    register: 'Đăng ký',
    registering: 'Đang đăng ký…',
    recipientsHint: 'Mỗi dòng một nơi nhận',
    dateHint: 'ngày/tháng/năm',
    dateInvalid: 'Ngày ban hành chưa đúng. Hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/01/2020.',
    none: 'Không',
    normal: 'Thường',
  },

  pages: {
    viewerAlt: 'Trang văn bản',
    strip: 'Các trang của văn bản',
    reading: 'Đang đọc vùng đã chọn…',
    readNothing: 'Không đọc được chữ nào trong vùng đã chọn. Hãy kéo một vùng rộng hơn quanh dòng chữ, hoặc gõ vào ô.',
    modeRead: 'Đọc vào ô',
    modeMove: 'Di chuyển',
    zoomIn: 'Phóng to',
    zoomOut: 'Thu nhỏ',
    fit: 'Cả trang',
    readHint: (field: string) => `Kéo (hoặc chạm) trên trang để đọc vào ô “${field}”.`,
    moveHint: 'Chạm vào một ô để xem chỗ máy đã đọc. Hai ngón tay để phóng to.',
    rotate: '↻ Xoay',
    earlier: 'Chuyển lên trước',
    later: 'Chuyển ra sau',
    remove: 'Bỏ trang',
    restore: 'Giữ lại trang',
    blank: 'Trắng',
    notBlank: 'Không trắng',
    undo: '↶ Hoàn tác',
    removedShort: 'bỏ',
    blankShort: 'trắng',
    // --- ui11 ---
    dragHint: 'Giữ một trang rồi kéo lên hoặc xuống để đổi chỗ.',
    noneKept: 'Không còn trang nào được giữ lại: hãy giữ lại ít nhất một trang (chạm trang rồi “Giữ lại trang” hoặc “Không trắng”), hoặc “Hoàn tác”.',
  },

  fields: {
    issuerParent: 'Cơ quan chủ quản',
    issuer: 'Cơ quan ban hành',
    numberNotation: 'Số, ký hiệu',
    number: 'Số',
    place: 'Địa danh',
    date: 'Ngày ban hành',
    type: 'Loại văn bản',
    summary: 'Trích yếu',
    authority: 'Thẩm quyền ký',
    signerTitle: 'Chức vụ người ký',
    signer: 'Người ký',
    recipients: 'Nơi nhận',
    confidentiality: 'Độ mật',
    urgency: 'Độ khẩn',
    pages: 'Số trang',
  } satisfies Record<FieldKey, string>,

  outcome: {
    registered: (n: number | null) => (n === null ? 'Đã đăng ký.' : `Đã đăng ký — số đến ${n}.`),
    queued: 'Văn bản sẽ được ký số và gửi lên hệ thống của tỉnh. Xem tiến độ ở “Trạng thái”.',
    duplicate: (other: string) =>
      `Chú ý: văn bản cùng cơ quan ban hành và cùng số, ký hiệu đã được đăng ký trước đó (${other}). Hãy kiểm tra xem có phải nhận trùng không.`,
    secretTitle: 'Văn bản MẬT — không gửi điện tử',
    secretBody:
      'Văn bản này có dấu độ mật. Theo quy định, văn bản mật không được gửi qua mạng: máy sẽ không tải lên hệ thống. Hãy giữ và chuyển bản giấy theo quy trình văn bản mật. Bản quét trên máy sẽ bị xoá.',
    secretConfirm: 'Đã hiểu — xoá bản quét',
    secretDone: 'Đã xoá bản quét. Hãy lưu giữ bản giấy theo quy trình văn bản mật.',
  },

  notices: {
    /** Read out for the banner of state files set aside (their text comes from the appliance). */
    title: 'Thông báo cần kỹ thuật viên xử lý',
    several: (n: number) =>
      `${n} tệp trạng thái bị hỏng đã được chuyển sang thư mục cách ly; các văn bản khác vẫn hoạt động. Hãy báo kỹ thuật viên kiểm tra:`,
  },

  status: {
    title: 'Văn bản hôm nay',
    empty: 'Hôm nay chưa đăng ký văn bản nào.',
    arrival: 'Số đến',
    notation: 'Số, ký hiệu',
    summary: 'Trích yếu',
    state: 'Tình trạng',
    refresh: 'Tải lại',
    attempts: (n: number) => `đã thử ${n} lần`,
    nextAttempt: (time: string) => `tự thử lại lúc ${time}`,
    retry: { sign: 'Ký lại', send: 'Gửi lại', 'send-now': 'Gửi lại ngay' },
    retrying: 'Đang gửi yêu cầu…',
    signature: (level: 'B-B' | 'B-T') => (level === 'B-T' ? 'Chữ ký số PAdES B-T (có dấu thời gian)' : 'Chữ ký số PAdES B-B (không có dấu thời gian)'),
    signatureWarning: 'Chữ ký số chưa có dấu thời gian (máy chủ dấu thời gian không trả lời); văn bản vẫn được gửi. Hãy báo kỹ thuật viên kiểm tra.',
    notSentYet: 'Chưa gửi được — máy sẽ tự gửi lại.',
  },

  queue: {
    title: 'Hàng đợi gửi đi',
    empty: 'Không có văn bản nào trong hàng đợi.',
    count: (state: string, n: number) => `${state}: ${n}`,
    oldest: (time: string) => `Văn bản chờ lâu nhất: từ ${time}`,
    actions: 'Thao tác (kỹ thuật viên)',
    retry: 'Gửi lại ngay',
    hold: 'Tạm giữ',
    release: 'Cho gửi tiếp',
    states: { queued: 'Đang chờ gửi', sending: 'Đang gửi', held: 'Tạm giữ', delivered: 'Đã gửi', accepted: 'Đã tiếp nhận', rejected: 'Bị từ chối' },
  },

  details: {
    summary: 'Chi tiết',
    docId: 'Mã văn bản trong máy',
    device: 'Thiết bị',
    statusCode: 'Mã trạng thái của hệ thống nhận',
    lastError: 'Lỗi gần nhất',
    signature: 'Chữ ký số',
    signatureWarnings: 'Ghi chú chữ ký',
    queueSource: 'Nguồn số liệu hàng đợi',
    queueLive: 'GET /api/queue',
    queueFromDocuments: 'thông tin gửi của từng văn bản (/api/documents)',
  },

  states: {
    scanning: 'Đang quét',
    extracting: 'Đang nhận dạng',
    review: 'Chờ kiểm tra',
    registered: 'Đã đăng ký — chờ ký số',
    signing: 'Đang ký số',
    signed: 'Đã ký số',
    queued: 'Đang chờ gửi',
    sending: 'Đang gửi',
    delivered: 'Đã gửi',
    accepted: 'Đã tiếp nhận',
    rejected: 'Bị từ chối',
    'held-secret': 'Giữ lại — tài liệu mật',
    failed: 'Lỗi — chưa gửi được',
    discarded: 'Đã huỷ',
  } satisfies Record<DocumentState, string>,

  token: {
    title: 'Khoá ký số',
    present: 'Đã cắm khoá ký số',
    unknown: 'Chưa biết trạng thái khoá ký số (đang hỏi thiết bị).',
    absent: 'Chưa cắm khoá ký số. Hãy cắm khoá vào cổng USB.',
    unlocked: 'Khoá đã mở — máy có thể ký văn bản.',
    locked: 'Khoá đang đóng — nhập mã PIN để mở.',
    // CKF_USER_PIN_COUNT_LOW: the token says a wrong PIN was entered since the last good one (SoftHSM
    // and many tokens set it after the first mistake): no claim about how many tries are left.
    pinLow: 'Chú ý: khoá ký số báo đã có lần nhập sai mã PIN. Hãy nhập thật cẩn thận: nhập sai quá số lần cho phép, khoá ký số sẽ bị khoá.',
    pinFinal: 'CẢNH BÁO: đây là lần thử cuối cùng. Nhập sai lần nữa, khoá sẽ bị khoá hẳn.',
    pinLocked: 'Khoá ký số đã bị khoá do nhập sai PIN quá số lần. Hãy liên hệ quản trị để mở khoá.',
    pinLabel: 'Mã PIN',
    clear: 'Xoá',
    back: '⌫',
    submit: 'Mở khoá',
    submitting: 'Đang kiểm tra mã PIN…',
    lock: 'Đóng khoá',
    neverRetried: 'Máy không bao giờ tự nhập lại mã PIN.',
    label: (l: string) => `Khoá: ${l}`,
    short: { ok: 'Khoá ký số: đã mở', locked: 'Khoá ký số: chưa mở', absent: 'Khoá ký số: chưa cắm', blocked: 'Khoá ký số: bị khoá', unknown: 'Khoá ký số: chưa rõ' },
    waitingToSign: (n: number) => `${n} văn bản đã đăng ký đang chờ ký số. Hãy mở khoá ký số (nhập mã PIN) để máy ký và gửi đi.`,
    goUnlock: 'Mở khoá ký số',
  },

  /** The technician's setup screen (strings-setup.ts). */
  setup: SETUP_STRINGS,

  /** The on-screen keyboard (strings-keyboard.ts). */
  keyboard: KEYBOARD_STRINGS,

  errors: {
    network: 'Không liên lạc được với thiết bị. Hãy kiểm tra rồi thử lại.',
    dismiss: 'Đóng',
  },

  // --- flowsdesk ---
  /** Late entry after an outage, the complaint mark (review form), the statistics (register book). */
  desk: {
    complaint: 'Đơn thư khiếu nại, tố cáo',
    complaintHint: 'Chỉ vào sổ bản giấy: không gửi qua mạng, bản quét sẽ bị xoá.',
    complaintBanner: 'Đơn thư khiếu nại, tố cáo: chỉ giữ bản giấy, không gửi qua mạng.',
    late: 'Vào sổ muộn',
    lateHint: 'Văn bản đã nhận và ghi vào sổ giấy trong lúc máy hoặc hệ thống ngừng hoạt động.',
    lateDate: 'Ngày nhận thực tế',
    lateTime: 'Giờ nhận',
    latePaper: 'Ghi ở sổ giấy',
    latePaperHint: 'Ví dụ: Sổ giấy trang 12, dòng 3',
    lateIncomplete: 'Vào sổ muộn: hãy nhập đủ ngày, giờ nhận thực tế và chỗ ghi trong sổ giấy.',
    lateMark: (date: string, by: string, paper: string) => `Vào sổ muộn ngày ${date} (${by}), theo ${paper}`,
    complaintTitle: 'Đơn thư khiếu nại, tố cáo — không gửi điện tử',
    complaintDone: 'Đã xoá bản quét. Hãy lưu giữ bản giấy theo quy trình tiếp nhận đơn thư khiếu nại, tố cáo.',
    statsOpen: 'Thống kê',
    statsClose: 'Về sổ đăng ký',
    statsTitle: 'Thống kê văn bản',
    by: { day: 'Theo ngày', week: 'Theo tuần', month: 'Theo tháng', issuer: 'Theo nơi gửi' },
    byCol: { day: 'Ngày', week: 'Tuần', month: 'Tháng', issuer: 'Nơi gửi' },
    cols: { received: 'Văn bản đến', sent: 'Văn bản đi', late: 'Vào sổ muộn', refused: 'Bị từ chối', waiting: 'Đang xử lý', withheld: 'Giữ bản giấy' },
    total: 'Tổng cộng',
    statsEmpty: 'Không có văn bản nào trong khoảng thời gian này.',
    statsPrint: 'In thống kê',
  },
  // --- flowsout ---
  outgoing: {
    start: 'Quét văn bản đi',
    startHint: 'Văn bản đi: văn bản giấy đã có số, chữ ký và dấu của cơ quan; máy ký số và gửi đến các nơi nhận.',
    title: 'Kiểm tra văn bản đi',
    badge: 'VĂN BẢN ĐI — vào sổ văn bản đi, không lấy số đến',
    recipientsTitle: 'Nơi nhận sẽ được gửi điện tử',
    resolving: 'Đang đối chiếu nơi nhận với danh sách cơ quan…',
    none: 'Chưa có nơi nhận. Hãy điền ô “Nơi nhận” (mỗi dòng một nơi).',
    copy: 'Bản lưu — không gửi',
    sendTo: (name: string, id: string) => `Gửi đến: ${name} (${id})`,
    unresolved: 'Chưa xác định được cơ quan',
    pick: 'Chọn cơ quan nhận',
    leave: '— Không gửi điện tử (gửi bản giấy) —',
    confirmUnresolved: (n: number) => `Tôi đã biết: ${n} nơi nhận chưa xác định sẽ không được gửi điện tử (gửi bản giấy).`,
    duplicate: (date: string) => `Số, ký hiệu này đã có trong sổ văn bản đi (đăng ký ngày ${date}). Một văn bản đi chỉ được đăng ký một lần.`,
    registered: (number: string) => `Đã vào sổ văn bản đi: ${number}.`,
    queued: (n: number) => `Văn bản sẽ được ký số và gửi đến ${n} nơi nhận. Xem tiến độ ở “Trạng thái”.`,
  },
  // --- flowsrecv ---
  receive: {
    open: 'Mở văn bản điện tử',
    close: 'Đóng danh sách',
    title: 'Tệp PDF, edXML trên ổ USB',
    refresh: 'Tìm lại',
    empty: 'Không thấy tệp PDF hay edXML nào. Hãy cắm ổ USB rồi bấm Tìm lại.',
    loading: 'Đang tìm tệp trên ổ USB…',
    opening: 'Đang kiểm tra chữ ký số…',
    size: (bytes: number) => (bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`),
    from: (file: string) => `Văn bản điện tử: ${file}`,
    valid: 'Chữ ký số hợp lệ',
    invalid: 'Chữ ký số không hợp lệ',
    signedBy: (who: string | null, at: string | null) => `ký bởi ${who ?? 'không rõ'}${at ? `, lúc ${at}` : ''}`,
  },
} as const;
