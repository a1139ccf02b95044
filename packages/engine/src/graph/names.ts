// Value names shared by the graph builders and the trainer that feeds them.
export const IN = { dense: 'dense', emb: 'emb', labels: 'labels', invBatch: 'inv_batch', cat: 'cat', taylorDecay: 'taylor.decay', taylorKeep: 'taylor.one_minus_decay' } as const;
export const OUT = { loss: 'loss', embGrad: 'emb_grad', logit: 'logit', prob: 'prob' } as const;

export const weightName = (layer: string) => `${layer}.W`;
export const biasName = (layer: string) => `${layer}.b`;
export const stateName = (param: string, slot: number) => `${param}.s${slot}`;
export const maskName = (layer: string) => `${layer}.mask`;
export const scoreName = (layer: string) => `${layer}.score`;
/** The updated value of a state input is the output with this name. */
export const next = (name: string) => `${name}:next`;
