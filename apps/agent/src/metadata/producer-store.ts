export interface InitProducerIdRequest {
  transactionalId: string | null;
  /** -1 unless the client asks to bump the epoch of an id it holds (KIP-360). */
  producerId: bigint;
  producerEpoch: number;
}

export type InitProducerIdResult =
  | { ok: true; producerId: bigint; producerEpoch: number }
  | { ok: false; errorCode: "PRODUCER_FENCED" };

/** Producer ids for idempotent and transactional producers (InitProducerId). */
export interface ProducerStore {
  init(clusterId: string, req: InitProducerIdRequest): Promise<InitProducerIdResult>;
}
