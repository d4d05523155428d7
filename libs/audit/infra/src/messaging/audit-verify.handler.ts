import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { type ChainVerification, InvalidAuditQueryError, VerifyAuditChainUseCase } from '@ferry/audit/application';
import type { ChainViolationKind as DomainKind } from '@ferry/audit/domain';
import { ChainViolationKind, Rpc, RpcErrorCode, type VerifyAuditChainResponseSchema, WitnessState } from '@ferry/contracts';
import { AccessTokenVerifier, authorizeCall } from '@ferry/platform/auth';
import { MessagingClient, RpcException } from '@ferry/platform/messaging';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { AUDIT_INFRA_OPTIONS, type AuditInfraOptions } from '../audit-infra.options';

const KINDS: Record<DomainKind, ChainViolationKind> = {
  altered: ChainViolationKind.ALTERED,
  missing: ChainViolationKind.MISSING,
  'out-of-order': ChainViolationKind.OUT_OF_ORDER,
  truncated: ChainViolationKind.TRUNCATED,
  checkpoint: ChainViolationKind.CHECKPOINT,
};

const WITNESS: Record<ChainVerification['witness'], WitnessState> = {
  consulted: WitnessState.CONSULTED,
  unavailable: WitnessState.UNAVAILABLE,
  'not-configured': WitnessState.NOT_CONFIGURED,
};

/** The RPC form of a verification. */
export function verificationResponse(v: ChainVerification): MessageInitShape<typeof VerifyAuditChainResponseSchema> {
  return {
    ok: v.violation === undefined,
    ...(v.violation ? { violation: { sequence: v.violation.sequence, kind: KINDS[v.violation.kind], reason: v.violation.reason } } : {}),
    records: BigInt(v.records),
    checkpoints: BigInt(v.checkpoints),
    durationMs: Math.min(v.durationMs, 0xffffffff),
    fromSequence: v.fromSequence,
    lastSequence: v.lastSequence,
    headSequence: v.headSequence,
    witness: WITNESS[v.witness],
  };
}

/**
 * Serves `audit.v1.rpc.verify` for callers holding audit.read in the organisation. A verification
 * reads the whole range, so a replica runs only a few at once and refuses more with a retry hint.
 */
@Injectable()
export class AuditVerifyHandler implements OnApplicationBootstrap {
  private running = 0;

  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(VerifyAuditChainUseCase) private readonly verify: VerifyAuditChainUseCase,
    @Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier,
    @Inject(AUDIT_INFRA_OPTIONS) private readonly options: Pick<AuditInfraOptions, 'maxConcurrentVerifications'>,
  ) {}

  onApplicationBootstrap(): void {
    void this.messaging.serve(Rpc.audit.verify, async (req) => {
      const orgId = req.orgId.toLowerCase();
      await authorizeCall(this.verifier, req.caller?.accessToken ?? '', 'audit.read', orgId);
      if (this.running >= this.options.maxConcurrentVerifications) {
        throw new RpcException(RpcErrorCode.RESOURCE_EXHAUSTED, 'too many verifications running; try again shortly', [], 5);
      }
      this.running += 1;
      try {
        const range = { ...(req.fromSequence > 0n ? { from: req.fromSequence } : {}), ...(req.toSequence > 0n ? { to: req.toSequence } : {}) };
        return verificationResponse(await this.verify.execute(orgId, range));
      } catch (err) {
        if (err instanceof InvalidAuditQueryError) {
          throw new RpcException(RpcErrorCode.INVALID_ARGUMENT, err.message, [{ field: err.field, reason: err.message }]);
        }
        throw err;
      } finally {
        this.running -= 1;
      }
    });
  }
}
