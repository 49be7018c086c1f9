// The built-in app: a social network shaped like DeathStarBench's (Gan et al., ASPLOS'19), the app
// Blueprint re-implements in its evaluation: compose-post, home and user timelines, a social graph, and the caches
// and databases behind them. Also the spec variants the experiments compare (monolith, tracing, client
// policies), each a change of the spec, so `spec-lines-changed` is counted on the real text.
// ASSUMPTION: CPU costs per operation, payload sizes, cache hit ratios and backend latencies are round
// figures of the order DeathStarBench's services show (sub-millisecond handlers, ~0.1–0.3 ms memcached /
// redis, ~1–2 ms mongodb); none is read off Blueprint's figures.
import { Rng } from '../kernel/rng';
import { alibabaSpec } from './generate';
import { rpcWorkloadSpec } from '../rpc/microApp';
import type { ClientPolicy, Spec } from './spec';

type Call = Spec['workflow']['services'][string]['ops'][string]['calls'][number];
const c = (to: string, reqBytes: number, respBytes: number, p?: number): Call =>
  p === undefined ? { to, reqBytes, respBytes } : { to, reqBytes, respBytes, p };

/** DeathStarBench's social network (a subset of its services), deployed one service per process. */
export function socialNetwork(): Spec {
  return {
    app: 'social-network',
    workflow: {
      // ASSUMPTION: DeathStarBench's mixed wrk2 workload: 60% home timeline, 30% user timeline, 10% compose.
      entries: [
        { op: 'frontend.readHomeTimeline', weight: 60 },
        { op: 'frontend.readUserTimeline', weight: 30 },
        { op: 'frontend.composePost', weight: 10 },
      ],
      services: {
        frontend: {
          ops: {
            composePost: { cpuMs: 0.15, calls: [c('composePost.compose', 1024, 64)] },
            readHomeTimeline: { cpuMs: 0.1, calls: [c('homeTimeline.read', 128, 4096)] },
            readUserTimeline: { cpuMs: 0.1, calls: [c('userTimeline.read', 128, 4096)] },
          },
        },
        composePost: {
          ops: {
            compose: {
              cpuMs: 0.2,
              calls: [
                c('uniqueId.compose', 64, 64),
                c('text.compose', 1024, 1024),
                c('media.compose', 256, 128),
                c('user.composeCreator', 128, 256),
                c('postStorage.store', 2048, 64),
                c('userTimeline.write', 128, 64),
                c('homeTimeline.write', 128, 64),
              ],
            },
          },
        },
        uniqueId: { ops: { compose: { cpuMs: 0.03, calls: [] } } },
        text: {
          ops: {
            compose: {
              cpuMs: 0.15,
              calls: [c('urlShorten.compose', 512, 256), c('userMention.compose', 512, 256)],
            },
          },
        },
        media: { ops: { compose: { cpuMs: 0.05, calls: [] } } },
        urlShorten: { ops: { compose: { cpuMs: 0.08, calls: [c('urlDb', 256, 64)] } } },
        userMention: { ops: { compose: { cpuMs: 0.08, calls: [c('userCache', 128, 256)] } } },
        user: { ops: { composeCreator: { cpuMs: 0.05, calls: [c('userCache', 128, 256)] } } },
        postStorage: {
          ops: {
            store: { cpuMs: 0.1, calls: [c('postDb', 2048, 64)] },
            read: { cpuMs: 0.15, calls: [c('postCache', 256, 4096), c('postDb', 256, 4096, 0.1)] },
          },
        },
        userTimeline: {
          ops: {
            write: { cpuMs: 0.08, calls: [c('userTimelineDb', 128, 64), c('userTimelineCache', 128, 64)] },
            read: {
              cpuMs: 0.1,
              calls: [c('userTimelineCache', 128, 512), c('postStorage.read', 256, 4096)],
            },
          },
        },
        homeTimeline: {
          ops: {
            write: {
              cpuMs: 0.1,
              calls: [c('socialGraph.getFollowers', 128, 1024), c('homeTimelineCache', 1024, 64)],
            },
            read: {
              cpuMs: 0.1,
              calls: [c('homeTimelineCache', 128, 512), c('postStorage.read', 256, 4096)],
            },
          },
        },
        socialGraph: { ops: { getFollowers: { cpuMs: 0.08, calls: [c('socialGraphCache', 128, 1024)] } } },
      },
      backends: {
        postCache: 'cache',
        postDb: 'database',
        userCache: 'cache',
        urlDb: 'database',
        userTimelineCache: 'cache',
        userTimelineDb: 'database',
        homeTimelineCache: 'cache',
        socialGraphCache: 'cache',
      },
    },
    scaffolding: {
      // ASSUMPTION: ~20 µs of CPU per RPC end (framing, syscalls), ~8 µs per KB (de)serialised, 60 µs one-way
      // in-datacentre network latency; an in-process call ~0.5 µs.
      rpc: { kind: 'thrift', callCpuUs: 20, cpuUsPerKB: 8, networkUs: 60 },
      functionCallUs: 0.5,
      tracer: { kind: 'none' },
      backends: {
        postCache: { impl: 'memcached', latencyMs: 0.15, capacity: 64 },
        postDb: { impl: 'mongodb', latencyMs: 1.5, capacity: 64 },
        userCache: { impl: 'memcached', latencyMs: 0.15, capacity: 64 },
        urlDb: { impl: 'mongodb', latencyMs: 1.5, capacity: 64 },
        userTimelineCache: { impl: 'redis', latencyMs: 0.2, capacity: 64 },
        userTimelineDb: { impl: 'mongodb', latencyMs: 1.5, capacity: 64 },
        homeTimelineCache: { impl: 'redis', latencyMs: 0.2, capacity: 64 },
        socialGraphCache: { impl: 'redis', latencyMs: 0.2, capacity: 64 },
      },
    },
    instantiation: {
      machines: { m0: { cores: 2, queueLimit: 2000 } },
      defaultMachine: 'm0',
      processes: {},
      client: POLICIES['no-retry'],
    },
  };
}

/**
 * DeathStarBench's hotel reservation (search, recommendation, reservation, login), deployed one service per
 * process. ASSUMPTION: its wrk2 mixed workload as recalled (60% search, 39% recommend, 0.5% reserve, 0.5%
 * login); costs of the same order as the social network's.
 */
export function hotelReservation(): Spec {
  const base = socialNetwork();
  const cache = (latencyMs = 0.15) => ({ impl: 'memcached' as const, latencyMs, capacity: 64 });
  const mongo = { impl: 'mongodb' as const, latencyMs: 1.5, capacity: 64 };
  return {
    app: 'hotel-reservation',
    workflow: {
      entries: [
        { op: 'frontend.searchHotels', weight: 60 },
        { op: 'frontend.recommend', weight: 39 },
        { op: 'frontend.reserve', weight: 0.5 },
        { op: 'frontend.login', weight: 0.5 },
      ],
      services: {
        frontend: {
          ops: {
            searchHotels: {
              cpuMs: 0.1,
              calls: [c('search.nearby', 256, 512), c('profile.getProfiles', 256, 4096)],
            },
            recommend: {
              cpuMs: 0.08,
              calls: [c('recommendation.get', 128, 256), c('profile.getProfiles', 256, 4096)],
            },
            reserve: { cpuMs: 0.08, calls: [c('user.checkUser', 128, 64), c('reservation.make', 256, 64)] },
            login: { cpuMs: 0.05, calls: [c('user.checkUser', 128, 64)] },
          },
        },
        search: {
          ops: { nearby: { cpuMs: 0.1, calls: [c('geo.nearby', 128, 512), c('rate.getRates', 512, 1024)] } },
        },
        geo: { ops: { nearby: { cpuMs: 0.15, calls: [c('geoDb', 128, 2048, 0.05)] } } },
        rate: {
          ops: { getRates: { cpuMs: 0.1, calls: [c('rateCache', 256, 1024), c('rateDb', 256, 1024, 0.1)] } },
        },
        profile: {
          ops: {
            getProfiles: {
              cpuMs: 0.12,
              calls: [c('profileCache', 256, 4096), c('profileDb', 256, 4096, 0.1)],
            },
          },
        },
        recommendation: { ops: { get: { cpuMs: 0.12, calls: [c('recommendationDb', 128, 1024, 0.05)] } } },
        user: { ops: { checkUser: { cpuMs: 0.05, calls: [c('userDb', 128, 64, 0.05)] } } },
        reservation: {
          ops: { make: { cpuMs: 0.1, calls: [c('reserveCache', 256, 64), c('reservationDb', 256, 64)] } },
        },
      },
      backends: {
        geoDb: 'database',
        rateCache: 'cache',
        rateDb: 'database',
        profileCache: 'cache',
        profileDb: 'database',
        recommendationDb: 'database',
        userDb: 'database',
        reserveCache: 'cache',
        reservationDb: 'database',
      },
    },
    scaffolding: {
      ...base.scaffolding,
      rpc: { ...base.scaffolding.rpc, kind: 'grpc' },
      backends: {
        geoDb: mongo,
        rateCache: cache(),
        rateDb: mongo,
        profileCache: cache(),
        profileDb: mongo,
        recommendationDb: mongo,
        userDb: mongo,
        reserveCache: cache(),
        reservationDb: mongo,
      },
    },
    instantiation: base.instantiation,
  };
}

/** The built-in apps by name (the view's spec editor offers them). */
export const BUILT_IN_APPS = {
  'social network': socialNetwork,
  'hotel reservation': hotelReservation,
  // 120 services shaped like Alibaba's (core/micro/generate.ts) on the same 2-core machine, seed 1.
  'alibaba-shaped': () => alibabaSpec(120, new Rng(1), 2),
  // The 24 most popular methods of the RPC lab's fitted fleet (core/rpc/microApp.ts), seed 1.
  'rpc workload (fleet-fitted)': () => rpcWorkloadSpec(new Rng(1), 24),
} as const;

/** The client policies of micro-metastable (instantiation layer). */
export const POLICY_NAMES = ['retry', 'retry-budget', 'no-retry', 'retry-breaker'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];
/** The policies micro-metastable compares by default (the three). */
export const DEFAULT_POLICIES = ['retry', 'retry-budget', 'no-retry'] as const;
// ASSUMPTION: a 50 ms client timeout (about 20x the unloaded latency); naive clients retry 3 times at once
// (Bronson et al. HotOS'21: retries as the sustaining effect); the budgeted client follows Finagle's
// RetryBudget (10% of requests) with exponential backoff from 20 ms and full jitter; retry-breaker is the naive
// client behind a circuit breaker (Blueprint's instantiation layer offers one) that opens for 2 s when half
// of at least 20 attempts in a 1 s window failed.
export const POLICIES: Readonly<Record<PolicyName, ClientPolicy>> = {
  retry: { timeoutMs: 50, retries: 3, backoffMs: 0 },
  'retry-budget': { timeoutMs: 50, retries: 3, backoffMs: 20, retryBudget: 0.1 },
  'no-retry': { timeoutMs: 50, retries: 0, backoffMs: 0 },
  'retry-breaker': {
    timeoutMs: 50,
    retries: 3,
    backoffMs: 0,
    circuitBreaker: { failureRatio: 0.5, windowMs: 1000, minAttempts: 20, openMs: 2000 },
  },
};

export function withPolicy(spec: Spec, policy: PolicyName): Spec {
  return { ...spec, instantiation: { ...spec.instantiation, client: POLICIES[policy] } };
}

/**
 * Every service in one process (Blueprint's evaluation: the monolith): only the instantiation layer changes.
 * The process runs where and as services without a process of their own do: on the default machine, with
 * the default replicas and worker threads.
 */
export function asMonolith(spec: Spec): Spec {
  const inst = spec.instantiation;
  const services = Object.keys(spec.workflow.services);
  return {
    ...spec,
    instantiation: {
      ...inst,
      processes: {
        monolith: {
          services,
          machine: inst.defaultMachine,
          ...(inst.defaultReplicas !== undefined && { replicas: inst.defaultReplicas }),
          ...(inst.defaultThreads !== undefined && { threads: inst.defaultThreads }),
        },
      },
    },
  };
}

/** Every service in its own process (and container) on the default machine: the spec's process groups undone. */
export function asMicroservices(spec: Spec): Spec {
  return { ...spec, instantiation: { ...spec.instantiation, processes: {} } };
}

/** The tracer off. */
export function withoutTracing(spec: Spec): Spec {
  return { ...spec, scaffolding: { ...spec.scaffolding, tracer: { kind: 'none' } } };
}

/** Zipkin-like tracing on every operation (Blueprint's evaluation: the tracing change): only scaffolding changes. */
// ASSUMPTION: 15 µs of CPU to create, annotate and report one span, 250 bytes per span sent on the RPC.
export function withTracing(spec: Spec): Spec {
  return {
    ...spec,
    scaffolding: { ...spec.scaffolding, tracer: { kind: 'zipkin', spanCpuUs: 15, spanBytes: 250 } },
  };
}
