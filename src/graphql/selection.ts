import { Kind, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** What a client selected under a field: field names (response keys merged) to what they select in turn. */
export type Selection = ReadonlyMap<string, Selection>;

const EMPTY: Selection = new Map();

function collect(
  set: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  into: Map<string, Map<string, Selection>>,
  seen: Set<string>,
): void {
  for (const s of set?.selections ?? []) {
    if (s.kind === Kind.FIELD) {
      let sub = into.get(s.name.value);
      if (!sub) into.set(s.name.value, (sub = new Map()));
      collect(s.selectionSet, fragments, sub as Map<string, Map<string, Selection>>, seen);
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      collect(s.selectionSet, fragments, into, seen);
    } else if (!seen.has(s.name.value) && fragments[s.name.value]) {
      // A fragment spread once per path is enough: its fields are merged, not repeated.
      collect(fragments[s.name.value].selectionSet, fragments, into, new Set([...seen, s.name.value]));
    }
  }
}

const memo = new WeakMap<FieldNode, Selection>();

/**
 * The fields selected under the field being resolved, through fragments and inline fragments.
 * `@skip`/`@include` are not evaluated: a field they may drop counts as selected (a superset, so a
 * reader that fetches by it never fetches too little). Depends only on the document, so it is
 * worked out once per field node of a cached document.
 */
export function selectionOf(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): Selection {
  const first = info.fieldNodes[0];
  if (!first) return EMPTY;
  let tree = memo.get(first);
  if (!tree) {
    const into = new Map<string, Map<string, Selection>>();
    for (const node of info.fieldNodes) collect(node.selectionSet, info.fragments, into, new Set());
    tree = into;
    memo.set(first, tree);
  }
  return tree;
}
