import { AppendAuditEventUseCase } from '../append-audit-event.usecase';
import { AuditAppendBatcher } from '../audit-append.batcher';
import type { AuditChainOptions } from '../audit.ports';
import { ChainCheckpointer } from '../chain-checkpointer';
import { VerifyAuditChainUseCase } from '../verify-audit-chain.usecase';
import { EphemeralChainSigner, MemoryAuditStore, MemoryChainWitness } from './memory-audit.store';

/** The chain's use cases over the in-memory store, witness and a fresh key. */
export function memoryAuditChain(options: Partial<AuditChainOptions> = {}) {
  const store = new MemoryAuditStore();
  const witness = new MemoryChainWitness();
  const signer = new EphemeralChainSigner();
  const settings: AuditChainOptions = { maxBatch: 100, checkpointEvery: 1000, defaultRetentionDays: 365, ...options };
  const checkpointer = new ChainCheckpointer(store, signer, witness, settings);
  const batcher = new AuditAppendBatcher(store, settings, checkpointer);
  return {
    store,
    witness,
    signer,
    settings,
    checkpointer,
    batcher,
    append: new AppendAuditEventUseCase(batcher),
    verify: new VerifyAuditChainUseCase(store, signer, witness),
  };
}
