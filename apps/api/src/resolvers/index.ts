import type { Resolvers } from '../resolvers-types.js';
import { Mutation } from './mutation.js';
import { Query } from './query.js';
import { DateTime, JSONScalar } from './scalars.js';
import { Subscription } from './subscription.js';
import { typeResolvers } from './types.js';

export const resolvers: Resolvers = { DateTime, JSON: JSONScalar, Query, Mutation, Subscription, ...typeResolvers };
