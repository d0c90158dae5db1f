import type { Static } from '@sinclair/typebox';
import { projectPath } from './paths.js';
import { Bool, CidrList, Clock, Duration, EnvMap, Group, Int, OneOf, Path, PathList, Secret, Str, Weekdays } from './schema-kinds.js';

// Every setting of the appliance: its type, range, default and help text, in one place. The loader
// validates the configuration file and the environment against it (ajv), `sohoa config keys`
// prints it, and the `Config` type the code base receives is derived from it.
//
// The defaults here are those of a device; the parts a device must name (agency, central system,
// scanner, token, seal, trust anchors) default to '' ("not named"). The demo parts that fill them
// when there is no configuration file, or when the file asks for one, are in profiles.ts.

const ORGAN_ID = '^$|^(?=.{1,35}$)[A-Za-z0-9]{1,10}(\\.[A-Za-z0-9]{1,10}){1,7}$';
const ORGAN_ID_EXPECT = 'mã định danh cơ quan dạng "000.00.00.H41" hoặc "H37.02.02"';
const URL_EXPECT = 'địa chỉ bắt đầu bằng http:// hoặc https://, ví dụ "https://qlvb.laocai.gov.vn"';
const HTTP_URL = '^$|^https?://[^\\s/?#]+(?:[/?#]\\S*)?$';

export const SettingsSchema = Group({
  dataDir: Path('creatable', projectPath('var'), {
    vi: 'Thư mục dữ liệu: sổ đăng ký, hàng đợi gửi, bản quét, văn bản đã ký.',
    en: 'Data folder: register, upload queue, spool, signed PDFs.', env: 'SOHOA_DATA_DIR',
  }),
  http: Group({
    host: Str('127.0.0.1', { vi: 'Địa chỉ mà màn hình cảm ứng và API lắng nghe.', en: 'Address the touchscreen UI and API listen on.', env: 'SOHOA_HOST' }, { maxLength: 255 }),
    port: Int(8080, 0, 65535, { vi: 'Cổng của màn hình cảm ứng và API (0 = cổng bất kỳ còn trống).', en: 'Port of the UI and API (0 = any free port).', env: 'SOHOA_PORT' }),
  }, { vi: 'Giao diện màn hình cảm ứng và API.', en: 'Touchscreen UI and API.' }),
  agency: Group({
    id: Str('', { vi: 'Mã định danh của cơ quan (OrganId trong gói edXML).', en: "The agency's identifier (edXML OrganId).", expect: ORGAN_ID_EXPECT }, { pattern: ORGAN_ID }),
    name: Str('', { vi: 'Tên cơ quan, in bên cạnh con dấu.', en: 'Agency name, printed beside the seal.' }, { maxLength: 200 }),
    sealPath: Path('file', '', { vi: 'Ảnh con dấu (PNG nền trong suốt) cho chữ ký hiển thị.', en: 'Seal image (transparent PNG) for the visible signature.', expect: 'đường dẫn tới ảnh con dấu PNG' }),
    developmentSeal: Bool(false, { vi: 'Dùng con dấu THỬ NGHIỆM của khoá thử nghiệm (chỉ để thử, máy hiện biểu ngữ "THỬ NGHIỆM").', en: 'Use the development seal (testing only; the UI shows a "THỬ NGHIỆM" banner).' }),
  }, { vi: 'Cơ quan sử dụng máy.', en: 'The agency using the device.' }),
  central: Group({
    url: Str('', { vi: 'Địa chỉ hệ thống quản lý văn bản của tỉnh.', en: "The province's central document system.", env: 'SOHOA_CENTRAL_URL', expect: URL_EXPECT }, { pattern: HTTP_URL }),
    deviceToken: Secret({ vi: 'Mã xác thực của máy với hệ thống trung tâm (nên để trong central.deviceTokenFile).', en: "This device's bearer token (better kept in central.deviceTokenFile).", env: 'SOHOA_CENTRAL_TOKEN' }),
    deviceTokenFile: Path('file', '', { vi: 'Tệp chứa mã xác thực (chỉ root đọc được, chmod 600), ví dụ /etc/sohoa/central.secret.', en: 'File holding the bearer token (root-readable, 0600), e.g. /etc/sohoa/central.secret.', expect: 'đường dẫn tới tệp chứa mã xác thực' }),
    toId: Str('', { vi: 'Mã định danh của hệ thống nhận văn bản.', en: 'Recipient OrganId of the central system.', expect: ORGAN_ID_EXPECT }, { pattern: ORGAN_ID }),
    toName: Str('', { vi: 'Tên của hệ thống nhận văn bản.', en: 'Recipient OrganName of the central system.' }, { maxLength: 200 }),
    embedded: Bool(false, { vi: 'Chạy hệ thống nhận THỬ NGHIỆM ngay trong máy: văn bản KHÔNG rời khỏi máy.', en: 'Run the reference receiver inside the appliance (testing: documents never leave the box).', env: 'SOHOA_CENTRAL_EMBEDDED' }),
  }, { vi: 'Hệ thống quản lý văn bản trung tâm.', en: 'The central document system.' }),
  scanner: Group({
    device: Str('', { vi: 'Tên thiết bị SANE của máy quét, ví dụ "airscan:e0:Canon DR-C230" (xem scanimage -L).', en: 'SANE device name, e.g. "airscan:e0:Canon DR-C230" (see scanimage -L).', env: 'SOHOA_SCANNER_DEVICE' }),
    saneConfigDir: Path('creatable', '', { vi: 'Thư mục cấu hình SANE riêng mà Sohoa ghi; để trống = cấu hình của hệ thống (/etc/sane.d).', en: "Private SANE config folder Sohoa writes; empty = the system's /etc/sane.d.", env: 'SOHOA_SANE_CONFIG_DIR' }),
    source: OneOf(['adf', 'adf-duplex', 'flatbed'] as const, 'adf', { vi: 'Nguồn giấy: khay nạp (adf), khay nạp hai mặt (adf-duplex) hoặc mặt kính (flatbed).', en: 'Paper source.' }),
    mode: OneOf(['color', 'gray'] as const, 'color', { vi: 'Chế độ màu.', en: 'Colour mode.' }),
    dpi: Int(200, 75, 1200, { vi: 'Độ phân giải (Nghị định 30: tối thiểu 200 dpi).', en: 'Resolution (Decree 30: at least 200 dpi).' }),
    simulator: Group({
      enabled: Bool(false, { vi: 'Dùng máy quét MÔ PHỎNG (trang mẫu) thay cho máy quét thật.', en: 'Use the demo eSCL scanner (sample pages) instead of a real one.' }),
      port: Int(8091, 0, 65535, { vi: 'Cổng của máy quét mô phỏng.', en: 'Port of the demo scanner.' }),
      pagesDir: Path('dir', projectPath('provisioning', 'demo-pages'), { vi: 'Thư mục trang mẫu của máy quét mô phỏng.', en: "The demo scanner's sample pages.", expect: 'thư mục trang mẫu' }),
      pagesPerMinute: Int(0, 0, 600, { vi: 'Tốc độ khay nạp của máy quét mô phỏng, trang/phút (0 = nhanh nhất có thể).', en: "The demo scanner's feeder speed in pages per minute (0 = as fast as it can).", env: 'SOHOA_SIMULATOR_PPM' }),
    }, { vi: 'Máy quét mô phỏng (thử nghiệm).', en: 'Demo scanner (testing).' }),
    // --- capturehw ---
    esclUrl: Str('', { vi: 'Địa chỉ eSCL (AirScan) của máy quét mạng, ghim cố định trong cấu hình SANE riêng (cần scanner.saneConfigDir), ví dụ http://192.168.1.20/eSCL; scanner.device là "airscan:e0:<tên>".', en: 'eSCL (AirScan) URL of a network scanner, pinned in the private SANE config (needs scanner.saneConfigDir); scanner.device is "airscan:e0:<name>".', expect: URL_EXPECT }, { pattern: HTTP_URL }),
    hotplug: Bool(true, { vi: 'Tìm lại máy quét khi cắm/rút thiết bị USB (gói usb).', en: 'Look for scanners again when a USB device is plugged in or out (usb package).' }),
    sensorPollSeconds: Int(0, 0, 60, { vi: 'Đọc nút bấm và cảm biến "có giấy" của máy quét (tuỳ chọn SANE [hardware]) sau mỗi chừng này giây, chỉ khi máy đang rảnh; 0 = không đọc.', en: "Read the scanner's button and paper-loaded sensors (SANE [hardware] options) this often, only while idle; 0 = off." }),
    paperLoadedStart: Bool(false, { vi: 'Tự quét (cách quét đầu tiên) khi máy quét báo vừa có giấy trong khay nạp.', en: 'Start a scan (first profile) when the scanner reports paper loaded in the feeder.' }),
    pedal: Group({
      vendorId: Str('', { vi: 'Mã nhà sản xuất (VID, hệ 16) của bàn đạp/nút bấm USB HID, ví dụ "0c45"; để trống = không dùng.', en: 'USB vendor id (hex) of the HID foot pedal or button, e.g. "0c45"; empty = none.', expect: 'bốn chữ số hệ 16, ví dụ "0c45"' }, { pattern: '^$|^(0x)?[0-9A-Fa-f]{1,4}$' }),
      productId: Str('', { vi: 'Mã sản phẩm (PID, hệ 16) của bàn đạp, ví dụ "7403".', en: 'USB product id (hex) of the pedal, e.g. "7403".', expect: 'bốn chữ số hệ 16, ví dụ "7403"' }, { pattern: '^$|^(0x)?[0-9A-Fa-f]{1,4}$' }),
      report: OneOf(['keyboard', 'bits'] as const, 'keyboard', { vi: 'Kiểu báo cáo: "keyboard" (bàn đạp giả bàn phím, ví dụ PCsensor FS2007: có phím nào trong báo cáo là đang đạp) hoặc "bits" (một byte mang các bit nút, ví dụ Infinity IN-USB-2).', en: 'Report kind: "keyboard" (keyboard-like pedals, e.g. PCsensor FS2007: any key code = pressed) or "bits" (a byte of button bits, e.g. Infinity IN-USB-2).' }),
      byte: Int(0, 0, 63, { vi: 'Với "bits": byte nào của báo cáo mang các bit nút (đếm từ 0, không tính mã báo cáo).', en: 'For "bits": which report byte holds the button bits (from 0, report id excluded).' }),
      mask: Int(255, 1, 255, { vi: 'Với "bits": các bit nào là "đang đạp" (ví dụ 2 = bàn đạp giữa của Infinity).', en: 'For "bits": which bits mean pressed (e.g. 2 = the Infinity centre pedal).' }),
    }, { vi: 'Bàn đạp chân hoặc nút bấm USB để bắt đầu quét.', en: 'USB HID foot pedal or button that starts a scan.' }),
  }, { vi: 'Máy quét.', en: 'The scanner.' }),
  capture: Group({
    profilesPath: Path('file', '', { vi: 'Tệp JSON các cách quét (nút lớn trên màn hình quét: nguồn giấy, hai mặt, dpi ≥ 200, màu/xám, trang trắng, tờ phân cách, số trang tối đa); sổ đến/sổ đi ("book": "incoming"/"outgoing"); để trống = "Văn bản đến", "Số hóa hàng loạt" và "Văn bản đi".', en: 'JSON file of capture profiles (the big buttons: source, duplex, dpi ≥ 200, colour/grey, blank-page and separator policy, max pages per document, register book incoming/outgoing); empty = the three defaults.', expect: 'đường dẫn tới tệp JSON các cách quét' }),
    minFreeDiskMB: Int(256, 0, 1_048_576, {
      vi: 'Không nhận bản quét mới (và dừng lượt quét đang chạy, giữ các trang đã quét) khi ổ chứa thư mục dữ liệu còn ít hơn số MB này; văn bản đã đăng ký vẫn được gửi đi. Nên nhỏ hơn monitoring.minFreeDiskMB (mức cảnh báo).',
      en: "New scans are refused (and a running one stops, keeping its pages) below this many MB free on the data folder's file system; registered documents still go out. Keep it below monitoring.minFreeDiskMB (the warning level).",
    }),
  }, { vi: 'Quét: các cách quét, làm sạch trang, chỗ trống tối thiểu trên ổ đĩa.', en: 'Capture: profiles, page cleanup, minimum free disk space.' }),
  token: Group({
    module: Path('file', '', { vi: 'Thư viện PKCS#11 của khoá ký số, ví dụ /usr/lib/libbit4xpki.so.', en: 'PKCS#11 module of the token, e.g. /usr/lib/libbit4xpki.so.', env: 'SOHOA_TOKEN_MODULE', expect: 'đường dẫn tới thư viện PKCS#11 (.so)' }),
    label: Str('', { vi: 'Nhãn của khoá ký số (hoặc dùng serial).', en: 'Token label (or use serial).', env: 'SOHOA_TOKEN_LABEL' }),
    serial: Str('', { vi: 'Số serial của khoá ký số (hoặc dùng label).', en: 'Token serial number (or use label).', env: 'SOHOA_TOKEN_SERIAL' }),
    env: EnvMap({ vi: 'Biến môi trường cho thư viện PKCS#11 (ví dụ SOFTHSM2_CONF).', en: 'Environment for the module (e.g. SOFTHSM2_CONF).' }),
    chainPath: Path('file', '', { vi: 'Chuỗi chứng thư (PEM) phía trên chứng thư của khoá, đưa vào chữ ký; để trống nếu không có.', en: "Certificate chain (PEM) above the token's certificate, embedded in signatures.", expect: 'đường dẫn tới tệp PEM' }),
    trustPath: Path('file', '', { vi: 'Chứng thư gốc tin cậy (PEM) để kiểm tra chứng thư của khoá.', en: 'Trust anchors (PEM) for certificate checks.', expect: 'đường dẫn tới tệp PEM' }),
    idleLogoutMinutes: Duration('minutes', 30, 0, 1440, { vi: 'Tự khoá lại khoá ký số sau chừng này phút không ký (0 = không bao giờ).', en: 'Log the token out after this long without signing (0 = never).' }),
    development: Bool(false, { vi: 'Dùng khoá ký số THỬ NGHIỆM (SoftHSM "SOHOA DEV" trong <dataDir>/dev-token; chỉ để thử).', en: 'Use the development token (SoftHSM "SOHOA DEV" in <dataDir>/dev-token; testing only).' }),
  }, { vi: 'Khoá ký số của cơ quan (PKCS#11).', en: "The agency's signing token (PKCS#11)." }),
  signing: Group({
    tsaUrl: Str('', { vi: 'Dịch vụ cấp dấu thời gian RFC 3161; để trống = chữ ký PAdES B-B.', en: 'RFC 3161 timestamp service; empty = PAdES B-B.', expect: URL_EXPECT }, { pattern: HTTP_URL }),
  }, { vi: 'Chữ ký số.', en: 'Signing.' }),
  ocr: Group({
    langPath: Path('dir', '', { vi: 'Thư mục chứa vie.traineddata; để trống = gói tesseract-ocr-vie của Debian.', en: "Folder holding vie.traineddata; empty = Debian's tesseract-ocr-vie.", expect: 'thư mục chứa vie.traineddata' }),
    workers: Int(2, 1, 16, { vi: 'Số tiến trình nhận dạng chữ (mặc định 2 = một cho mỗi nhân).', en: 'OCR workers (default 2 = one per core).', env: 'SOHOA_OCR_WORKERS' }),
    pageTimeoutSeconds: Duration('seconds', 120, 5, 3600, { vi: 'Thời gian tối đa để nhận dạng một trang.', en: 'Longest time the OCR of one page may take.' }),
    niceness: Int(10, 0, 19, { vi: 'Mức nhường CPU của bộ nhận dạng chữ (0 = ngang các phần khác, 19 = nhường nhiều nhất): máy quét và màn hình được phục vụ trước.', en: 'Scheduling niceness of the OCR processes (0 = same as the rest, 19 = nicest): the scanner and the screen are served first.', env: 'SOHOA_OCR_NICENESS' }),
  }, { vi: 'Nhận dạng chữ.', en: 'OCR.' }),
  extract: Group({
    agenciesPath: Path('file', '', { vi: 'Danh sách cơ quan ban hành của tỉnh (JSON); để trống = chỉ danh sách có sẵn.', en: "The province's issuer directory (JSON); empty = the built-in list only.", expect: 'đường dẫn tới tệp JSON danh sách cơ quan' }),
  }, { vi: 'Trích xuất thông tin.', en: 'Field extraction.' }),
  register: Group({
    officeHours: Group({
      start: Clock('07:30', { vi: 'Giờ mở cửa (giờ Việt Nam).', en: 'Opening time (Vietnam time).' }),
      end: Clock('17:00', { vi: 'Giờ đóng cửa (giờ Việt Nam).', en: 'Closing time (Vietnam time).' }),
      days: Weekdays(['Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu'], { vi: 'Các ngày làm việc, viết bằng tên.', en: 'Working days, by name.' }),
    }, { vi: 'Giờ làm việc: văn bản đến ngoài giờ được tính từ lúc mở cửa kế tiếp.', en: 'Office hours: arrivals outside count from the next opening.' }),
    // --- ui11 ---
    exportRoots: PathList(['/media', '/run/media'], { vi: 'Các thư mục nơi ổ USB được gắn vào: "Xuất ra USB" trên màn hình cảm ứng ghi sổ đăng ký vào ổ đang gắn dưới các thư mục này.', en: 'Where removable drives are mounted: the touchscreen\'s "Xuất ra USB" saves the register book onto a drive mounted below these folders.' }),
  }, { vi: 'Sổ đăng ký văn bản đến.', en: 'The register.' }),
  outbox: Group({
    minDelayMs: Duration('ms', 1000, 10, 3_600_000, { vi: 'Thời gian chờ đầu tiên trước khi gửi lại.', en: 'First retry delay.' }),
    maxDelayMs: Duration('ms', 300_000, 10, 86_400_000, { vi: 'Thời gian chờ tối đa giữa hai lần gửi lại.', en: 'Longest retry delay.' }),
    concurrency: Int(2, 1, 16, { vi: 'Số văn bản được gửi cùng lúc.', en: 'Uploads at once.' }),
    retryBudget: Int(10, 1, 1000, { vi: 'Số lần gửi lại được phép dồn liền nhau (chung cho cả hàng đợi), để không dồn dập vào hệ thống trung tâm vừa hoạt động lại.', en: 'Retries allowed in a burst, shared by the whole queue, so a central system coming back is not stampeded.' }),
    retryRefillMs: Duration('ms', 5000, 10, 3_600_000, { vi: 'Cứ sau chừng này thời gian thì được thêm một lần gửi lại.', en: 'One more retry is allowed per this long.' }),
    statusPollMs: Duration('ms', 5000, 10, 3_600_000, { vi: 'Hỏi trạng thái tiếp nhận lần đầu sau chừng này thời gian kể từ khi văn bản đến (01), rồi thưa dần.', en: 'First status read after arrival (01), then less and less often.' }),
    keepAcceptedDays: Int(90, 0, 3650, { vi: 'Số ngày giữ bản lưu (PDF đã ký, gói tin) sau khi hệ thống trung tâm tiếp nhận (03); 0 = xoá ngay khi tiếp nhận.', en: 'Days the local copy (signed PDF, package) is kept after the central system accepted it (03); 0 = removed at once.' }),
  }, { vi: 'Hàng đợi gửi văn bản.', en: 'Upload queue.' }),
  receive: Group({
    trustPath: Path('file', '', { vi: 'Chứng thư gốc tin cậy (PEM) để kiểm tra chữ ký số của văn bản điện tử nhận được; để trống = token.trustPath.', en: 'Trust anchors (PEM) for the signatures of received electronic documents; empty = token.trustPath.', expect: 'đường dẫn tới tệp PEM' }),
    mediaRoots: PathList(['/media', '/run/media'], { vi: 'Nơi các ổ USB được gắn vào: nút "Mở văn bản điện tử" liệt kê tệp PDF và edXML trong đó.', en: 'Where removable drives are mounted: "Mở văn bản điện tử" lists the PDF and edXML files there.' }),
    maxFileMB: Int(200, 1, 2048, { vi: 'Dung lượng tối đa của một tệp văn bản điện tử nhận vào (MB).', en: 'Largest received electronic document file (MB).' }),
  }, { vi: 'Nhận văn bản điện tử (PDF có chữ ký số, gói edXML) từ ổ USB hoặc tệp đính kèm thư điện tử.', en: 'Received electronic documents (signed PDF, edXML) from a USB drive or an e-mail attachment.' }),
  accounts: Group({
    sessionIdleMinutes: Duration('minutes', 15, 1, 480, { vi: 'Phiên làm việc kết thúc sau chừng này phút không thao tác.', en: 'A desk session ends after this long without a command.' }),
  }, { vi: 'Tài khoản.', en: 'Accounts.' }),
  backup: Group({
    dir: Path('mount', '', { vi: 'Nơi ghi bản sao lưu (ổ ngoài hoặc thư mục chia sẻ); để trống = <dataDir>/backup.', en: 'Where backups go; empty = <dataDir>/backup.', env: 'SOHOA_BACKUP_DIR', expect: 'thư mục có sẵn (ổ ngoài phải được gắn vào)' }),
    keep: Int(30, 1, 3650, { vi: 'Số bản sao lưu hằng ngày được giữ lại.', en: 'How many daily backups to keep.' }),
  }, { vi: 'Sao lưu.', en: 'Backup.' }),
  monitoring: Group({
    allow: CidrList(['127.0.0.0/8', '::1'], { vi: 'Các dải mạng được đọc /metrics và /healthz chi tiết.', en: 'Networks allowed to read /metrics and detailed health.' }),
    minFreeDiskMB: Int(1024, 0, 1_048_576, { vi: '/healthz báo thiếu chỗ khi ổ chứa thư mục dữ liệu còn ít hơn số MB này.', en: "/healthz reports the disk short below this many MB free on the data folder's file system." }),
    deliveryStaleMinutes: Int(60, 1, 10_080, { vi: '/healthz báo việc gửi bị tắc khi có văn bản chờ gửi lâu hơn số phút này.', en: '/healthz reports delivery stuck when a document has waited longer than this many minutes.' }),
  }, { vi: 'Giám sát.', en: 'Monitoring.' }),
}, { vi: 'Cấu hình Sohoa.', en: 'Sohoa settings.' });

/** The settings as the code base receives them (after loading: day numbers, durations in the key's unit, absolute paths). */
export type Settings = Static<typeof SettingsSchema>;
