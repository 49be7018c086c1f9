// The lab's version, written into every result.json (kept equal to package.json by a test).
export const LAB_VERSION = '0.1.0';
