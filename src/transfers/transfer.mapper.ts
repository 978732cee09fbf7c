import type { TransferDto } from './dto/transfer.dto';
import type { TransferRow } from './transfers.repository';

export function toTransferDto(row: TransferRow): TransferDto {
  return {
    id: row.id,
    caseId: row.case_id,
    fromOfficeId: row.from_office_id,
    toOfficeId: row.to_office_id,
    reason: row.reason,
    state: row.state,
    casePhase: row.case_phase,
    caseStatus: row.case_status,
    requestedAt: row.requested_at.toISOString(),
    requestedBy: row.requested_by,
    decidedAt: row.decided_at?.toISOString() ?? null,
    decidedBy: row.decided_by,
    decisionReason: row.decision_reason,
  };
}
