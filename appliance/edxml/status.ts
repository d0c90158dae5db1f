import { edxmlTimestamp, isOrganId } from './format.js';
import { STATUS_CODES, type Organ, type ParseResult, type StatusCode, type StatusPackage } from './types.js';
import { at, buildEdxml, parseEdxml, str, text } from './xml.js';

/** Plain-Vietnamese meaning of each StatusCode, used as Description and shown to the clerk. */
export const STATUS_TEXT: Record<StatusCode, string> = {
  '01': 'Đã đến',
  '02': 'Từ chối tiếp nhận',
  '03': 'Đã tiếp nhận, đăng ký',
  '04': 'Đã phân công xử lý',
  '05': 'Đang xử lý',
  '06': 'Đã hoàn thành',
};

export interface StatusInput {
  from: Organ;
  responseFor: StatusPackage['responseFor'];
  statusCode: StatusCode;
  /** Defaults to the code's meaning; for 02 it must carry the reason. */
  description?: string;
  staff?: StatusPackage['staff'];
  at: Date;
}

/** Builds a status package (the shape of sample-status.edxml). */
export function buildStatusPackage(s: StatusInput): string {
  const mh: Record<string, unknown> = {
    From: { OrganId: text(s.from.id), OrganName: text(s.from.name) },
    ResponseFor: {
      OrganId: text(s.responseFor.organId),
      Code: text(s.responseFor.code),
      PromulgationDate: text(s.responseFor.promulgationDate),
      DocumentId: text(s.responseFor.documentId),
    },
  };
  if (s.staff) mh.StaffInfo = { Department: text(s.staff.department), Staff: text(s.staff.staff) };
  mh.StatusCode = s.statusCode;
  mh.Description = text(s.description ?? STATUS_TEXT[s.statusCode]);
  mh.Timestamp = edxmlTimestamp(s.at);
  return buildEdxml({ edXMLHeader: { MessageHeader: mh } });
}

export function parseStatusPackage(xml: string): ParseResult<StatusPackage> {
  const { root, errors } = parseEdxml(xml);
  if (!root) return { ok: false, value: null, errors };
  const mh = at(root, 'edXMLEnvelope', 'edXMLHeader', 'MessageHeader');
  if (!mh || typeof mh !== 'object') return { ok: false, value: null, errors: ['edXMLEnvelope/edXMLHeader/MessageHeader is missing'] };
  const from = { id: str(mh, 'From', 'OrganId'), name: str(mh, 'From', 'OrganName') };
  if (!isOrganId(from.id)) errors.push(`From/OrganId "${from.id}" is not an agency identifier`);
  const responseFor = {
    organId: str(mh, 'ResponseFor', 'OrganId'),
    code: str(mh, 'ResponseFor', 'Code'),
    promulgationDate: str(mh, 'ResponseFor', 'PromulgationDate'),
    documentId: str(mh, 'ResponseFor', 'DocumentId'),
  };
  if (!responseFor.documentId) errors.push('ResponseFor/DocumentId is missing');
  const statusCode = str(mh, 'StatusCode');
  if (!STATUS_CODES.includes(statusCode as StatusCode)) errors.push(`StatusCode "${statusCode}" is not 01–06`);
  const description = str(mh, 'Description');
  if (statusCode === '02' && !description) errors.push('a rejection (02) must give its reason in Description');
  const staffNode = at(mh, 'StaffInfo');
  if (errors.length > 0) return { ok: false, value: null, errors };
  return {
    ok: true,
    errors: [],
    value: {
      from, responseFor,
      staff: staffNode ? { department: str(staffNode, 'Department'), staff: str(staffNode, 'Staff') } : null,
      statusCode: statusCode as StatusCode,
      description,
      timestamp: str(mh, 'Timestamp'),
    },
  };
}
