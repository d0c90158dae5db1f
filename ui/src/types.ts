// The API's data shapes come from the appliance itself (type-only imports: nothing of the
// appliance is bundled into the UI).
export type { DocumentView, JobView, OutgoingConfirmation, PageView } from '../../appliance/pipeline/desk.js';
export type { ResolvedRecipient } from '../../appliance/register/entry.js';
export type { DocumentFields, ExtractionResult, FieldKey } from '../../appliance/extract/fields.js';
export type { DocumentState, EventMap, EventName, TokenState } from '../../appliance/events.js';
export type { ErrorInfo } from '../../appliance/errors.js';
export type { HealthItem } from '../../appliance/api/plugin.js';
export type { DocumentWithParts } from '../../appliance/api/routes-documents.js';
export type { Notice } from '../../appliance/store/quarantine.js';
export type { DemoPart, ProfileInfo } from '../../appliance/config/profiles.js';
export type { PageEdit, PageEditView, PageEditsView, RegionText } from '../../appliance/pipeline/page-edits.js';
export type { FieldBox, FieldBoxes } from '../../appliance/pipeline/field-boxes.js';
export type { Region, Rotation } from '../../appliance/pipeline/page-geometry.js';
