import { SohoaError } from '../../appliance/errors.js';

// The clerk-facing wording of every scanner failure, in one place so drivers agree.

export const scannerErrors = {
  busy: (detail?: string) =>
    new SohoaError('scanner.busy', 'Máy quét đang bận với một lượt quét khác. Hãy đợi lượt đó xong rồi thử lại.', detail),
  /** SANE_STATUS_DEVICE_BUSY: the device itself says busy (warming up, or another program holds it). */
  deviceBusy: (detail?: string) =>
    new SohoaError('scanner.busy', 'Máy quét báo đang bận (đang khởi động, hoặc một chương trình khác đang dùng nó). Hãy đợi khoảng 10 giây rồi bấm Quét lại; nếu vẫn bận, tắt máy quét rồi bật lại.', detail),
  /** The device went away during a run (cable pulled, network scanner switched off): the pages so far are kept. */
  disconnected: (pages: number, detail?: string) =>
    new SohoaError(
      'scanner.disconnected',
      `Máy quét bị ngắt kết nối giữa chừng${pages > 0 ? ` (đã quét được ${pages} trang, vẫn được giữ)` : ''}. Hãy cắm lại cáp USB (hoặc kiểm tra mạng và nguồn của máy quét) để tiếp tục; khi máy quét được nhận lại, đặt các trang chưa quét vào khay và bấm Tiếp tục.`,
      detail,
    ),
  noDocs: (detail?: string) =>
    new SohoaError('scanner.no-docs', 'Khay nạp giấy đang trống. Hãy đặt văn bản vào khay rồi bấm Quét lại.', detail),
  jammed: (detail?: string) =>
    new SohoaError(
      'scanner.jammed',
      'Giấy bị kẹt trong máy quét. Hãy mở nắp, gỡ tờ bị kẹt, đặt lại các trang chưa quét vào khay rồi bấm Quét tiếp. Các trang đã quét vẫn được giữ.',
      detail,
    ),
  coverOpen: (detail?: string) =>
    new SohoaError('scanner.cover-open', 'Nắp máy quét đang mở. Hãy đóng nắp lại rồi bấm Quét.', detail),
  doubleFeed: (detail?: string) =>
    new SohoaError(
      'scanner.double-feed',
      'Máy quét kéo hai tờ cùng lúc. Hãy lấy tờ vừa ra khỏi máy, xếp lại các trang chưa quét (tách rời, gỡ ghim) vào khay rồi bấm Quét tiếp. Các trang đã quét vẫn được giữ.',
      detail,
    ),
  notFound: (detail?: string) =>
    new SohoaError(
      'scanner.not-found',
      'Không tìm thấy máy quét. Hãy kiểm tra máy quét đã bật và cáp USB (hoặc mạng) đã cắm, đợi vài giây rồi thử lại; nếu vẫn không thấy, báo kỹ thuật viên.',
      detail,
    ),
  noSource: (want: string, detail?: string) =>
    new SohoaError(
      'scanner.no-source',
      want === 'flatbed' ? 'Máy quét này không có mặt kính. Hãy đặt văn bản vào khay nạp giấy và chọn cách quét bằng khay.'
        : want === 'adf-duplex' ? 'Máy quét này không quét được hai mặt. Hãy chọn cách quét một mặt, hoặc báo kỹ thuật viên sửa cấu hình.'
          : 'Máy quét này không có khay nạp giấy. Hãy đặt từng tờ lên mặt kính và chọn cách quét bằng mặt kính.',
      detail,
    ),
  stalled: (detail?: string) =>
    new SohoaError(
      'scanner.device',
      'Máy quét không phản hồi. Hãy tắt máy quét, bật lại rồi bấm Quét tiếp; các trang đã quét vẫn được giữ. Nếu vẫn lỗi, báo kỹ thuật viên.',
      detail,
    ),
  device: (detail?: string) =>
    new SohoaError(
      'scanner.device',
      'Không điều khiển được máy quét. Hãy kiểm tra máy quét đã bật và đã cắm cáp, rồi thử lại; nếu vẫn lỗi, báo kỹ thuật viên.',
      detail,
    ),
};
