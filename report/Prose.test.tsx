import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Prose } from './Prose';

const html = (text: string) => renderToStaticMarkup(<p>{Prose({ text })}</p>);

describe('Prose', () => {
  it('shows backticked names as code and escapes everything else', () => {
    expect(html('set `blockSize` to <16>')).toBe('<p>set <code>blockSize</code> to &lt;16&gt;</p>');
    expect(html('`a` and `b`')).toBe('<p><code>a</code> and <code>b</code></p>');
  });
  it('leaves text without pairs as it is', () => {
    expect(html('no code here')).toBe('<p>no code here</p>');
    expect(html('one ` tick')).toBe('<p>one ` tick</p>');
    expect(html('`a` then ` odd')).toBe('<p><code>a</code> then ` odd</p>');
  });
});
