/**
 * Host-side changes reach PHP: Emscripten keeps every filesystem node it has looked up in a
 * name table and answers later lookups of that path from it without asking the host. For a
 * host directory mounted with NODEFS that table goes stale when another process (another
 * Lambda instance on the same EFS, a deploy, a cron) deletes or replaces the path: PHP's
 * file_exists() (an access() that reads only the cached node) stayed true after the file was
 * gone, and fopen($p, 'w') / file_put_contents() / touch() failed with "No such file or
 * directory" because the stale node was truncated instead of the file being created again;
 * mkdir() of a deleted directory's path failed with "File exists".
 *
 * Here a cached node of a host mount is checked once per request on its first lookup, through
 * its own getattr (NODEFS: one lstat; the code-tree cache: its entry, with its revalidation
 * rules). A node whose host path is gone, or now has another file type, leaves the table, so
 * the lookup asks the host afresh. Within one request a node is trusted after its first check.
 */

/* The slice of Emscripten's FS this file touches. */
interface Node {
  id: number;
  name: string;
  mode: number;
  parent: Node;
  mount: { type: unknown; root: Node };
  mounted: unknown;
  node_ops: { getattr?(node: Node): { mode: number } };
  [SEEN]?: number;
}
export interface NodeTableFs {
  filesystems: { NODEFS: unknown };
  lookupNode(parent: Node, name: string): Node;
  hashName(parentId: number, name: string): number;
  hashRemoveNode(node: Node): void;
  nameTable: Array<Node & { name_next?: Node }>;
}

const SEEN = Symbol('lamphp.checkedInRequest');
const S_IFMT = 0o170000;

export interface FreshNodes {
  /** Starts a request: every cached host node is checked again on its next lookup. */
  beginRequest(): void;
}

/** Installs the check on a runtime's FS (once, after its mounts). */
export function freshHostNodes(FS: NodeTableFs): FreshNodes {
  const nodefs = FS.filesystems.NODEFS;
  let request = 1;
  const cachedLookup = FS.lookupNode;
  FS.lookupNode = function lookupNode(parent: Node, name: string): Node {
    const node = cachedChild(FS, parent, name);
    if (node && node.mount.type === nodefs && node[SEEN] !== request && node !== node.mount.root && !node.mounted) {
      let current: { mode: number } | undefined;
      let gone = false;
      try {
        current = node.node_ops.getattr?.(node);
      } catch (err) {
        // Only a path that is gone on the host (ENOENT, ENOTDIR) is forgotten; any other error
        // (EIO from a failing filesystem) keeps the node, so the failure surfaces where PHP
        // reads it (a 5xx), never as a missing file (a 404 a CDN could cache).
        gone = isGone(err);
      }
      if (gone || (current && (current.mode & S_IFMT) !== (node.mode & S_IFMT))) FS.hashRemoveNode(node);
      else if (current) node[SEEN] = request;
    }
    return cachedLookup.call(this, parent, name);
  };
  return {
    beginRequest() {
      request++;
    },
  };
}

/** Emscripten's ENOENT and ENOTDIR (its own errno numbering), or Node's codes. */
function isGone(err: unknown): boolean {
  const e = err as { errno?: number; code?: string } | null;
  return e?.errno === 44 || e?.errno === 54 || e?.code === 'ENOENT' || e?.code === 'ENOTDIR';
}

/** The node Emscripten's name table holds for parent/name, without asking the filesystem. */
function cachedChild(FS: NodeTableFs, parent: Node, name: string): Node | undefined {
  for (let node: Node | undefined = FS.nameTable[FS.hashName(parent.id, name)]; node; node = (node as { name_next?: Node }).name_next) {
    if (node.parent.id === parent.id && node.name === name) return node;
  }
  return undefined;
}
