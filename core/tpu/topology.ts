// The physical TPU v4 pod (docs/reference.md "TPU v4 pod"; Resiliency at Scale §2, TPU v4 ISCA'23 §2):
// chips on a 16x16x16 grid, machines of 2x2x1 chips, cubes of 4x4x4 chips, electrical ICI links inside
// cubes, 16 optical links per cube face and the 48 optical circuit switches (OCS) they plug into.

/** Chips along each axis of the pod. */
export const POD_DIM = 16;
export const CHIPS = POD_DIM * POD_DIM * POD_DIM; // 4096
/** Chips along each axis of a cube. */
export const CUBE_DIM = 4;
/** Cubes along each axis of the pod (4x4x4 = 64 cubes). */
export const CUBE_GRID = POD_DIM / CUBE_DIM;
export const CUBES = CUBE_GRID * CUBE_GRID * CUBE_GRID; // 64
export const CHIPS_PER_CUBE = CUBE_DIM * CUBE_DIM * CUBE_DIM; // 64
/** A machine (host) is 2x2x1 chips: 4 chips, so 16 machines per cube and 1024 per pod. */
export const MACHINE_X = 2;
export const MACHINE_Y = 2;
export const MACHINE_GRID_X = POD_DIM / MACHINE_X; // 8
export const MACHINE_GRID_Y = POD_DIM / MACHINE_Y; // 8
export const MACHINES = MACHINE_GRID_X * MACHINE_GRID_Y * POD_DIM; // 1024
export const MACHINES_PER_CUBE = CHIPS_PER_CUBE / (MACHINE_X * MACHINE_Y); // 16
/** Dimensions of the torus (x, y, z); a cube has a '-' and a '+' face in each, so 6 faces. */
export const DIMS = 3;
export const FACES_PER_CUBE = 2 * DIMS; // 6
/** Optical links per cube face (one per chip on the face) and per cube (6 faces). */
export const LINKS_PER_FACE = CUBE_DIM * CUBE_DIM; // 16
export const OPTICAL_LINKS_PER_CUBE = FACES_PER_CUBE * LINKS_PER_FACE; // 96
/** One OCS per (dimension, face position): 3 x 16 = 48 switches. */
export const OCS_COUNT = DIMS * LINKS_PER_FACE; // 48
/** Ports each OCS uses: every cube's '-' and '+' face link at its position (64 x 2); the switch has 136. */
export const OCS_PORTS = 2 * CUBES; // 128
export const OCS_PHYSICAL_PORTS = 136;

export type Dim = 0 | 1 | 2;
/** 0 = the face on the low side of a dimension ('-'), 1 = the high side ('+'). */
export type Side = 0 | 1;

export function chipIndex(x: number, y: number, z: number): number {
  return x + POD_DIM * (y + POD_DIM * z);
}

export function chipCoord(chip: number): [number, number, number] {
  return [chip % POD_DIM, Math.floor(chip / POD_DIM) % POD_DIM, Math.floor(chip / (POD_DIM * POD_DIM))];
}

export function cubeIndex(cx: number, cy: number, cz: number): number {
  return cx + CUBE_GRID * (cy + CUBE_GRID * cz);
}

export function cubeCoord(cube: number): [number, number, number] {
  return [
    cube % CUBE_GRID,
    Math.floor(cube / CUBE_GRID) % CUBE_GRID,
    Math.floor(cube / (CUBE_GRID * CUBE_GRID)),
  ];
}

export function cubeOfChip(chip: number): number {
  const [x, y, z] = chipCoord(chip);
  return cubeIndex(x >> 2, y >> 2, z >> 2);
}

export function machineIndex(mx: number, my: number, mz: number): number {
  return mx + MACHINE_GRID_X * (my + MACHINE_GRID_Y * mz);
}

export function machineOfChip(chip: number): number {
  const [x, y, z] = chipCoord(chip);
  return machineIndex(x >> 1, y >> 1, z);
}

/** The cube a machine sits in (machines never straddle cubes: 2x2x1 divides 4x4x4). */
export function cubeOfMachine(machine: number): number {
  const mx = machine % MACHINE_GRID_X;
  const my = Math.floor(machine / MACHINE_GRID_X) % MACHINE_GRID_Y;
  const mz = Math.floor(machine / (MACHINE_GRID_X * MACHINE_GRID_Y));
  return cubeIndex(mx >> 1, my >> 1, mz >> 2);
}

/** The 4 chips of a machine. */
export function chipsOfMachine(machine: number): number[] {
  const mx = machine % MACHINE_GRID_X;
  const my = Math.floor(machine / MACHINE_GRID_X) % MACHINE_GRID_Y;
  const mz = Math.floor(machine / (MACHINE_GRID_X * MACHINE_GRID_Y));
  const out: number[] = [];
  for (let dy = 0; dy < MACHINE_Y; dy++)
    for (let dx = 0; dx < MACHINE_X; dx++) out.push(chipIndex(2 * mx + dx, 2 * my + dy, mz));
  return out;
}

/** The 16 machines of a cube, ascending. */
export function machinesOfCube(cube: number): number[] {
  const [cx, cy, cz] = cubeCoord(cube);
  const out: number[] = [];
  for (let z = 0; z < CUBE_DIM; z++)
    for (let my = 0; my < 2; my++)
      for (let mx = 0; mx < 2; mx++) out.push(machineIndex(2 * cx + mx, 2 * cy + my, 4 * cz + z));
  return out.sort((a, b) => a - b);
}

/** The 64 chips of a cube, ascending. */
export function chipsOfCube(cube: number): number[] {
  const [cx, cy, cz] = cubeCoord(cube);
  const out: number[] = [];
  for (let z = 0; z < CUBE_DIM; z++)
    for (let y = 0; y < CUBE_DIM; y++)
      for (let x = 0; x < CUBE_DIM; x++) out.push(chipIndex(4 * cx + x, 4 * cy + y, 4 * cz + z));
  return out;
}

/**
 * Electrical ICI links between neighbouring chips of the same cube (3 x 48 = 144 per cube, 9216 in all);
 * links that leave a cube are optical and go through an OCS instead. `cable` marks links between two
 * machines: ASSUMPTION: those are the "ICI cables" of the published failure rate, while links between
 * chips of one machine are board traces (the paper gives the rate per cable, not per link).
 */
export interface IciLinks {
  a: Int32Array;
  b: Int32Array;
  dim: Uint8Array;
  cable: Uint8Array;
  cube: Int32Array;
  count: number;
}

let iciCache: IciLinks | null = null;

export function iciLinks(): IciLinks {
  if (iciCache) return iciCache;
  const a: number[] = [];
  const b: number[] = [];
  const dim: number[] = [];
  const cable: number[] = [];
  const cube: number[] = [];
  for (let chip = 0; chip < CHIPS; chip++) {
    const c = chipCoord(chip);
    for (let d = 0; d < 3; d++) {
      if (c[d]! % CUBE_DIM === CUBE_DIM - 1) continue; // the + face: optical
      const n: [number, number, number] = [c[0], c[1], c[2]];
      n[d]!++;
      const other = chipIndex(n[0], n[1], n[2]);
      a.push(chip);
      b.push(other);
      dim.push(d);
      cable.push(machineOfChip(chip) === machineOfChip(other) ? 0 : 1);
      cube.push(cubeOfChip(chip));
    }
  }
  iciCache = {
    a: Int32Array.from(a),
    b: Int32Array.from(b),
    dim: Uint8Array.from(dim),
    cable: Uint8Array.from(cable),
    cube: Int32Array.from(cube),
    count: a.length,
  };
  return iciCache;
}

/** Indices (into iciLinks()) of the inter-machine links, the ones that fail at the ICI-cable rate. */
export function iciCables(): Int32Array {
  const links = iciLinks();
  const out: number[] = [];
  for (let i = 0; i < links.count; i++) if (links.cable[i]) out.push(i);
  return Int32Array.from(out);
}

/** Optical link id of face link `j` (0..15) on face (dim, side) of `cube`: 96 per cube. */
export function opticalLinkId(cube: number, dim: Dim, side: Side, j: number): number {
  return cube * OPTICAL_LINKS_PER_CUBE + dim * 2 * LINKS_PER_FACE + side * LINKS_PER_FACE + j;
}

export function opticalLinkParts(id: number): { cube: number; dim: Dim; side: Side; j: number } {
  const cube = Math.floor(id / OPTICAL_LINKS_PER_CUBE);
  const r = id % OPTICAL_LINKS_PER_CUBE;
  return {
    cube,
    dim: Math.floor(r / (2 * LINKS_PER_FACE)) as Dim,
    side: (Math.floor(r / LINKS_PER_FACE) % 2) as Side,
    j: r % LINKS_PER_FACE,
  };
}

/**
 * The chip that owns face link j of face (dim, side): j = u + 4v over the face's other two axes in
 * ascending order (for dim 0: u = y, v = z).
 */
export function chipOfFaceLink(cube: number, dim: Dim, side: Side, j: number): number {
  const [cx, cy, cz] = cubeCoord(cube);
  const local = [0, 0, 0];
  const others = [0, 1, 2].filter((d) => d !== dim);
  local[dim] = side === 0 ? 0 : CUBE_DIM - 1;
  local[others[0]!] = j % CUBE_DIM;
  local[others[1]!] = Math.floor(j / CUBE_DIM);
  return chipIndex(4 * cx + local[0]!, 4 * cy + local[1]!, 4 * cz + local[2]!);
}

/**
 * Which OCS port a face link plugs into. Opposite faces of one dimension share a switch (docs/reference.md):
 * OCS `dim * 16 + j` takes face link j of the '-' and '+' faces of that dimension of all 64 cubes, on
 * ports `cube * 2 + side`.
 */
export function ocsPortOf(cube: number, dim: Dim, side: Side, j: number): { ocs: number; port: number } {
  return { ocs: dim * LINKS_PER_FACE + j, port: cube * 2 + side };
}

/** The inverse of `ocsPortOf`. */
export function faceLinkOfPort(ocs: number, port: number): { cube: number; dim: Dim; side: Side; j: number } {
  return {
    cube: port >> 1,
    side: (port & 1) as Side,
    dim: Math.floor(ocs / LINKS_PER_FACE) as Dim,
    j: ocs % LINKS_PER_FACE,
  };
}

/**
 * The cross-connects ("xconnects") of all 48 switches: for each OCS a permutation of its 128 ports that
 * is an involution, where an unconnected port maps to itself and a cross-connect swaps a '+' port with a
 * '-' port. Invariant (checked by `check()`): every map is a permutation and an involution, and every
 * connection joins a '+' face to a '-' face.
 */
export class PortMaps {
  readonly maps: Int16Array[];

  constructor() {
    this.maps = Array.from({ length: OCS_COUNT }, () => {
      const m = new Int16Array(OCS_PORTS);
      for (let p = 0; p < OCS_PORTS; p++) m[p] = p;
      return m;
    });
  }

  /** Cross-connect '+' port `plus` with '-' port `minus` on `ocs`; returns 1 if this was a change, else 0. */
  connect(ocs: number, plus: number, minus: number): number {
    const m = this.maps[ocs]!;
    if ((plus & 1) !== 1 || (minus & 1) !== 0) throw new Error(`xconnect must join a + port to a - port`);
    if (m[plus] === minus) return 0;
    if (m[plus] !== plus || m[minus] !== minus) {
      throw new Error(`OCS ${ocs}: port ${m[plus] !== plus ? plus : minus} is already cross-connected`);
    }
    m[plus] = minus;
    m[minus] = plus;
    return 1;
  }

  /** Disconnect a port (and its peer); returns 1 if it was connected. */
  disconnect(ocs: number, port: number): number {
    const m = this.maps[ocs]!;
    const peer = m[port]!;
    if (peer === port) return 0;
    m[port] = port;
    m[peer] = peer;
    return 1;
  }

  /** Number of cross-connects in place over all switches. */
  connections(): number {
    let n = 0;
    for (const m of this.maps) for (let p = 1; p < OCS_PORTS; p += 2) if (m[p] !== p) n++;
    return n;
  }

  /** Throws if any invariant is broken. */
  check(): void {
    this.maps.forEach((m, ocs) => {
      const seen = new Uint8Array(OCS_PORTS);
      for (let p = 0; p < OCS_PORTS; p++) {
        const q = m[p]!;
        if (q < 0 || q >= OCS_PORTS || seen[q]) throw new Error(`OCS ${ocs}: port map is not a permutation`);
        seen[q] = 1;
        if (m[q] !== p) throw new Error(`OCS ${ocs}: port map is not an involution at ${p}`);
        if (q !== p && (p & 1) === (q & 1))
          throw new Error(`OCS ${ocs}: ${p}↔${q} joins two faces of one side`);
      }
    });
  }
}
