// Just enough of PromQL to check an expression against the metrics the code defines: the series it selects (with their
// label matchers), the labels it groups by, the functions it calls and what each rate-like function is applied to.
// Not a parser: it reads tokens, so an expression it cannot read is reported, never guessed at.

const AGGREGATIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);
const LABEL_LISTS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'atan2']);
const TOKEN =
  /\s+|#[^\n]*|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`|\$\{[^}]*\}|\$\w+|\[\[\w+\]\]|(?:\d+(?:\.\d+)?(?:e[+-]?\d+)?|0x[0-9a-f]+)(?:ms|[smhdwy])?(?:\d+(?:ms|[smhdwy]))*|[a-zA-Z_:][\w:]*|=~|!~|!=|==|>=|<=|[{}()[\],=<>+\-*/%^@]/gy;

function tokenize(expr) {
  const tokens = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expr.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(expr);
    if (!m) throw new Error(`cannot read ${JSON.stringify(expr.slice(at, at + 20))}`);
    const text = m[0];
    if (/^\s|^#/.test(text)) continue;
    const kind = /^["'`]/.test(text)
      ? 'string'
      : text.startsWith('$') || text.startsWith('[[')
        ? 'variable'
        : /^[\d]/.test(text)
          ? 'number'
          : /^[a-zA-Z_:]/.test(text)
            ? 'name'
            : 'punct';
    tokens.push({ kind, text });
  }
  return tokens;
}

const unquote = (text) =>
  text.startsWith('`') ? text.slice(1, -1) : text.slice(1, -1).replace(/\\(.)/g, (_, c) => ({ n: '\n', t: '\t' })[c] ?? c);

/**
 * The parts of `expr` the checks need:
 * - `selectors`: `{ metric, matchers: [{ label, op, value }], argumentOf }` (argumentOf: the function whose first
 *   argument it is, for `rate(x[5m])`),
 * - `aggregations`: `{ op, depth, grouping: 'by' | 'without' | undefined, labels }`,
 * - `matching`: labels named in on()/ignoring()/group_left()/group_right(),
 * - `functions`: every function and aggregation called,
 * - `variables`: Grafana variables used ($name, ${name}, [[name]]).
 * Throws when a token or a selector cannot be read.
 */
export function analysePromQL(expr) {
  const tokens = tokenize(expr);
  const result = { selectors: [], aggregations: [], matching: [], functions: new Set(), variables: new Set() };
  // One entry per open parenthesis: the aggregation or function it belongs to, if any.
  const parens = [];
  let i = 0;
  const peek = (k = 0) => tokens[i + k];
  const expect = (text) => {
    if (peek()?.text !== text) throw new Error(`expected "${text}" at "${peek()?.text ?? 'the end'}"`);
    i += 1;
  };
  const labelList = () => {
    expect('(');
    const labels = [];
    while (peek() && peek().text !== ')') {
      const t = tokens[i++];
      if (t.kind === 'name') labels.push(t.text);
      else if (t.kind === 'string') labels.push(unquote(t.text));
      else if (t.text !== ',') throw new Error(`unexpected "${t.text}" in a label list`);
    }
    expect(')');
    return labels;
  };
  const matchers = () => {
    expect('{');
    const list = [];
    while (peek() && peek().text !== '}') {
      const label = tokens[i++];
      if (label.text === ',') continue;
      if (label.kind !== 'name' && label.kind !== 'string') throw new Error(`expected a label name at "${label.text}"`);
      const op = tokens[i++];
      if (!['=', '!=', '=~', '!~'].includes(op?.text)) throw new Error(`expected a matcher after ${label.text}`);
      const value = tokens[i++];
      if (value?.kind !== 'string') throw new Error(`expected a quoted value after ${label.text}${op.text}`);
      list.push({ label: label.kind === 'string' ? unquote(label.text) : label.text, op: op.text, value: unquote(value.text) });
    }
    expect('}');
    return list;
  };
  // The function whose first argument starts at the current token, if it does.
  const argumentOf = () => {
    const previous = tokens[i - 1];
    const top = parens.at(-1);
    return previous?.text === '(' && top?.fn ? top.fn : undefined;
  };

  while (i < tokens.length) {
    const t = peek();
    if (t.kind === 'variable') {
      result.variables.add(t.text.replace(/^\$\{?|^\[\[|\}$|\]\]$/g, '').split(':')[0]);
      i += 1;
    } else if (t.text === '[') {
      // A range or subquery: durations and Grafana variables only.
      for (i += 1; i < tokens.length && tokens[i].text !== ']'; i += 1) {
        if (tokens[i].kind === 'variable') result.variables.add(tokens[i].text.replace(/^\$\{?|\}$/g, '').split(':')[0]);
      }
      expect(']');
    } else if (t.text === '(') {
      parens.push({});
      i += 1;
    } else if (t.text === ')') {
      const closed = parens.pop();
      i += 1;
      // `sum(...) by (label)`: the grouping after the aggregation's parentheses.
      if (closed?.aggregation && !closed.aggregation.grouping && ['by', 'without'].includes(peek()?.text)) {
        closed.aggregation.grouping = tokens[i++].text;
        closed.aggregation.labels = labelList();
      }
    } else if (t.text === '{') {
      const list = matchers();
      const name = list.find((m) => m.label === '__name__' && m.op === '=');
      if (!name) throw new Error('a selector without a metric name');
      result.selectors.push({ metric: name.value, matchers: list.filter((m) => m !== name), argumentOf: argumentOf() });
    } else if (t.kind === 'name' && LABEL_LISTS.has(t.text) && peek(1)?.text === '(') {
      i += 1;
      const labels = labelList();
      if (['on', 'ignoring', 'group_left', 'group_right'].includes(t.text)) result.matching.push(...labels);
      else throw new Error(`"${t.text}" must follow an aggregation`);
    } else if (t.kind === 'name' && AGGREGATIONS.has(t.text)) {
      const aggregation = { op: t.text, depth: parens.length, grouping: undefined, labels: [] };
      result.aggregations.push(aggregation);
      result.functions.add(t.text);
      i += 1;
      if (['by', 'without'].includes(peek()?.text)) {
        aggregation.grouping = tokens[i++].text;
        aggregation.labels = labelList();
      }
      if (peek()?.text !== '(') throw new Error(`expected "(" after ${t.text}`);
      parens.push({ aggregation });
      i += 1;
    } else if (t.kind === 'name' && peek(1)?.text === '(' && !KEYWORDS.has(t.text)) {
      result.functions.add(t.text);
      i += 2;
      parens.push({ fn: t.text });
    } else if (t.kind === 'name' && (KEYWORDS.has(t.text.toLowerCase()) || LABEL_LISTS.has(t.text))) {
      i += 1;
    } else if (t.kind === 'name') {
      const selector = { metric: t.text, matchers: [], argumentOf: argumentOf() };
      i += 1;
      if (peek()?.text === '{') selector.matchers = matchers();
      result.selectors.push(selector);
    } else {
      i += 1;
    }
  }
  if (parens.length) throw new Error('unbalanced parentheses');
  return result;
}

/**
 * The labels a result of `analysis` can carry, for legends and alert templates: the grouping of its outermost
 * aggregations when it aggregates, else the labels of the series it selects (`labelsOf(selector)`).
 */
export function resultLabels(analysis, labelsOf) {
  const { aggregations, selectors } = analysis;
  if (aggregations.length) {
    const outer = Math.min(...aggregations.map((a) => a.depth));
    const labels = new Set();
    for (const a of aggregations.filter((x) => x.depth === outer)) {
      if (a.grouping === 'by') a.labels.forEach((l) => labels.add(l));
      if (a.grouping === 'without') for (const s of selectors) for (const l of labelsOf(s)) if (!a.labels.includes(l)) labels.add(l);
    }
    // histogram_quantile consumes `le`.
    if (analysis.functions.has('histogram_quantile')) labels.delete('le');
    return labels;
  }
  return new Set(selectors.flatMap((s) => [...labelsOf(s)]));
}
