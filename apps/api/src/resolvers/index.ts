import type { Resolvers } from '../resolvers-types.js';
import type { ApiContext } from '../context.js';
import { annotationMutations } from './annotations.js';
import { Mutation } from './mutation.js';
import { Query } from './query.js';
import { DateTime, JSONScalar } from './scalars.js';
import { Subscription } from './subscription.js';
import { typeResolvers } from './types.js';
import { memberTypeResolvers } from './members.js';
import { datasetFields, datasetMutations, datasetQueries } from '../datasets/resolvers.js';
import { sweepAnalysisResolvers } from './sweep-analysis.js';

type MutationResolver = (parent: unknown, args: unknown, ctx: ApiContext, info: unknown) => unknown;

/** Every mutation, once it has run (succeeded or not: it may have written part of its work), invalidates cached responses. */
function announcingWrites<M extends object>(mutations: M): M {
  const out: Record<string, MutationResolver> = {};
  for (const [name, resolve] of Object.entries(mutations) as [string, MutationResolver][])
    out[name] = async (parent, args, ctx, info) => {
      try {
        return await resolve(parent, args, ctx, info);
      } finally {
        await ctx.announceMutation();
      }
    };
  return out as M;
}

export const resolvers: Resolvers = {
  DateTime,
  JSON: JSONScalar,
  Query: { ...Query, ...datasetQueries },
  Mutation: announcingWrites({ ...Mutation, ...annotationMutations, ...datasetMutations }),
  Subscription,
  ...typeResolvers,
  Sweep: { ...typeResolvers.Sweep, ...sweepAnalysisResolvers.Sweep },
  Run: { ...typeResolvers.Run, ...sweepAnalysisResolvers.Run },
  ...memberTypeResolvers,
  Dataset: datasetFields,
};
