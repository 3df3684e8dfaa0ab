import type nunjucks from 'nunjucks';

/** Jinja's `{% do expr %}`: evaluate for the side effect (`{% do items.append(x) %}`), print nothing. */
export class DoExtension implements nunjucks.Extension {
  tags = ['do'];

  parse(parser: any, nodes: any): unknown {
    const token = parser.nextToken();
    const expression = parser.parseExpression();
    parser.advanceAfterBlockEnd(token.value);
    return new nodes.CallExtension(this, 'run', new nodes.NodeList(token.lineno, token.colno, [expression]));
  }

  run(): string {
    return '';
  }
}
