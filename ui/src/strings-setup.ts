// The technician's setup screen (Cài đặt): every word of it, apart from the clerk's strings
// (strings.ts, which gives it as S.setup). Plain Vietnamese; branches add their lines in a block
// commented `// --- <branch> ---` at the end.

export const SETUP_STRINGS = {
  tab: 'Cài đặt',
  title: 'Cài đặt máy (kỹ thuật viên)',
  intro: 'Mỗi phần được kiểm tra trực tiếp với thiết bị thật. "Kiểm tra" không ghi gì; "Lưu" chỉ thay phần này của cấu hình. Cấu hình mới có hiệu lực sau khi khởi động lại dịch vụ.',
  check: 'Kiểm tra',
  save: 'Lưu',
  working: 'Đang kiểm tra…',
  saved: (files: number) => `Đã lưu (${files} tệp).`,
  stillMissing: 'Cấu hình còn thiếu:',
  selftest: 'Tự kiểm tra toàn máy',
  selftestPin: 'Mã PIN khoá ký số (cho bước ký thử)',
  selftestOk: 'Tự kiểm tra đạt: máy sẵn sàng.',
  selftestBad: 'Tự kiểm tra chưa đạt:',
  steps: {
    agency: 'Cơ quan', central: 'Hệ thống trung tâm', token: 'Khoá ký số', seal: 'Con dấu',
    hours: 'Giờ làm việc', scanner: 'Máy quét', accounts: 'Tài khoản văn thư',
  },
  fields: {
    name: 'Tên cơ quan', id: 'Mã định danh (000.00.00.H41 hoặc H37.02.02)', dataDir: 'Thư mục dữ liệu',
    url: 'Địa chỉ hệ thống trung tâm', deviceToken: 'Mã xác thực của máy', toId: 'Mã định danh hệ thống nhận', toName: 'Tên hệ thống nhận', tokenFile: 'Tệp lưu mã xác thực',
    module: 'Thư viện PKCS#11 (trống = tự tìm)', label: 'Nhãn khoá', serial: 'Số serial (hoặc nhãn)', trustPath: 'Tệp chứng thư gốc tin cậy (PEM)', chainPath: 'Tệp chuỗi chứng thư (PEM, có thể trống)',
    path: 'Ảnh con dấu (PNG nền trong suốt)',
    start: 'Giờ mở cửa (HH:mm)', end: 'Giờ đóng cửa (HH:mm)', days: 'Ngày làm việc (Thứ Hai, Thứ Ba, …)',
    device: 'Thiết bị SANE (scanimage -L)', esclUrl: 'Hoặc địa chỉ eSCL máy quét mạng', scannerName: 'Tên máy quét mạng', saneConfigDir: 'Thư mục cấu hình SANE riêng', source: 'Nguồn giấy (adf, adf-duplex, flatbed)', dpi: 'Độ phân giải (≥ 200 dpi)', mode: 'Chế độ màu (color)',
    person: 'Họ và tên văn thư mới', pin: 'Mã PIN (4–8 chữ số)', pinAgain: 'Nhập lại mã PIN',
  },
  pinMismatch: 'Hai lần nhập mã PIN không khớp.',
  // --- capturehw ---
  scannerRefresh: 'Tìm lại máy quét',
  scannerPresent: (device: string, present: boolean) => (present ? `Máy quét đang dùng (${device}) trả lời bình thường.` : `Máy quét đang dùng (${device}) không trả lời: kiểm tra nguồn, cáp USB hoặc mạng.`),
  sensors: 'nút/cảm biến',
} as const;
