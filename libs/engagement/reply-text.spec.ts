import { describe, expect, it } from '@jest/globals';
import { replyText } from './reply-text.js';

// Mastodon's own markup (4.x), as the API sends a reply's `content`.
const MENTION = '<span class="h-card" translate="no"><a href="https://example.org/@alice" class="u-url mention">@<span>alice</span></a></span>';
const HASHTAG = '<a href="https://example.org/tags/greve" class="mention hashtag" rel="tag">#<span>greve</span></a>';
const LONG_LINK =
  '<a href="https://example.org/very/long/path" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span><span class="ellipsis">example.org/very/lo</span><span class="invisible">ng/path</span></a>';
const SHORT_LINK =
  '<a href="https://example.org/a" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span><span class="">example.org/a</span><span class="invisible"></span></a>';

/** Nothing that a browser would read as a tag, an attribute or an entity. */
function expectNoMarkup(text: string): void {
  expect(text).not.toMatch(/<\s*[a-z!/]/i);
  expect(text).not.toMatch(/&(?:[a-z]+|#\d+|#x[0-9a-f]+);/i);
}

describe('replyText', () => {
  it('turns paragraphs into blank-line separated blocks and <br> into line breaks', () => {
    expect(replyText('<p>Bravo à vous</p><p>Tenez bon<br>On est là<br />Toujours</p>')).toBe('Bravo à vous\n\nTenez bon\nOn est là\nToujours');
  });

  it('collapses source whitespace like a browser, but keeps <pre> as written', () => {
    expect(replyText('<p>  un \n  deux\t trois </p>\n\n<p>\n quatre</p>')).toBe('un deux trois\n\nquatre');
    expect(replyText('<pre>a  b\n  c</pre>')).toBe('a  b\n  c');
  });

  it('keeps mentions and hashtags as their text only', () => {
    expect(replyText(`<p>${MENTION} solidarité ${HASHTAG}</p>`)).toBe('@alice solidarité #greve');
    // A remote mention as other servers send it, and a hashtag marked only by rel="tag".
    expect(replyText('<a href="https://other.example/users/bob" class="u-url mention">@bob@other.example</a> <a href="https://x.example/t/a" rel="tag">#a</a>')).toBe(
      '@bob@other.example #a',
    );
  });

  it("gives Mastodon's shortened link as the full URL, once", () => {
    expect(replyText(`<p>À lire : ${LONG_LINK}</p>`)).toBe('À lire : https://example.org/very/long/path');
    expect(replyText(`<p>${SHORT_LINK}</p>`)).toBe('https://example.org/a');
  });

  it('keeps a plain link whose label is the URL, with or without scheme, as the URL', () => {
    expect(replyText('<a href="https://example.org/x">https://example.org/x</a>')).toBe('https://example.org/x');
    expect(replyText('<a href="https://www.example.org/">example.org</a>')).toBe('https://www.example.org/');
    expect(replyText('<a href="https://example.org">https://example.org/</a>')).toBe('https://example.org');
    expect(replyText('<a href="https://example.org/caf%C3%A9">https://example.org/café</a>')).toBe('https://example.org/caf%C3%A9');
    // Other servers shorten with a visible ellipsis.
    expect(replyText('<a href="https://example.org/a/very/long/path">example.org/a/very…</a>')).toBe('https://example.org/a/very/long/path');
  });

  it('writes a labelled link as "label (URL)"', () => {
    expect(replyText('<p>Voir <a href="https://example.org/caisse">la caisse de grève</a> !</p>')).toBe(
      'Voir la caisse de grève (https://example.org/caisse) !',
    );
  });

  it('shows the real target when the label is a different URL', () => {
    expect(replyText('<a href="https://evil.example/login">https://bank.example/login</a>')).toBe(
      'https://bank.example/login (https://evil.example/login)',
    );
    // A label that shows only part of a longer host is not a display form of it.
    expect(replyText('<a href="https://example.org.evil.example/">example.org</a>')).toBe('example.org (https://example.org.evil.example/)');
  });

  it('drops scripts and styles with their content', () => {
    const text = replyText('<p>avant<script>alert(1)</script><style>p{color:red}</style>après</p>');
    expect(text).toBe('avantaprès');
    expect(text).not.toContain('alert');
  });

  it('drops an unclosed script and everything after it', () => {
    expect(replyText('<p>ok</p><script>alert(1)<p>caché</p>')).toBe('ok');
  });

  it('drops images and their event handlers', () => {
    const text = replyText('<p>photo <img src=x onerror=alert(1)> ici</p>');
    expect(text).toBe('photo ici');
    expectNoMarkup(text);
    expect(replyText('<img src="x" onerror="alert(1)"')).toBe('');
  });

  it('drops javascript:, data:, vbscript: and other non-http targets, whatever their case, keeping the label', () => {
    expect(replyText('<a href="javascript:alert(1)">click</a>')).toBe('click');
    expect(replyText('<a href="JaVaScRiPt:alert(1)">click</a>')).toBe('click');
    expect(replyText('<a href=" java\tscript:alert(1)">click</a>')).toBe('click');
    expect(replyText('<a href="&#106;avascript:alert(1)">click</a>')).toBe('click');
    expect(replyText('<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">voir</a>')).toBe('voir');
    expect(replyText('<a href="vbscript:msgbox(1)">vb</a>')).toBe('vb');
    expect(replyText('<a href="/relative/path">relatif</a>')).toBe('relatif');
    expect(replyText('<a href="//evil.example/x">protocole implicite</a>')).toBe('protocole implicite');
    expect(replyText('<a href="mailto:x@example.org">écrire</a>')).toBe('écrire');
    expect(replyText('<a>sans cible</a>')).toBe('sans cible');
  });

  it('strips nested and unknown tags, keeping their text', () => {
    expect(replyText('<p><b>gras <i>et <u>souligné</u></i></b> <custom-tag data-x="1">fin</custom-tag></p>')).toBe('gras et souligné fin');
    expect(replyText('<div><blockquote><p>cité</p></blockquote>réponse</div>')).toBe('cité\n\nréponse');
    expect(replyText('<ul><li>un</li><li>deux</li></ul>après')).toBe('un\ndeux\n\naprès');
  });

  it('copes with unclosed tags and a link inside a link', () => {
    expect(replyText('<p>début <b>gras <a href="https://example.org/">lien')).toBe('début gras lien (https://example.org/)');
    expect(replyText('<a href="https://a.example/">un <a href="https://b.example/">deux</a> trois</a>')).toBe(
      'un (https://a.example/)deux (https://b.example/) trois',
    );
    expect(replyText('texte <b')).toBe('texte');
  });

  it('decodes named and numeric entities', () => {
    expect(replyText('<p>l&#39;assembl&eacute;e &amp; le piquet &#x2014; 100&nbsp;% &copy; &hellip;</p>')).toBe(
      "l'assemblée & le piquet — 100\u00a0% © …",
    );
  });

  it('gives escaped markup back as the literal text its author typed', () => {
    // `&lt;script&gt;` is text that reads "<script>": the result is plain text, never HTML, and
    // is escaped by whatever renders it, so these characters are harmless there.
    expect(replyText('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>')).toBe('<script>alert(1)</script>');
    expect(replyText('<p>&amp;lt;b&amp;gt;</p>')).toBe('&lt;b&gt;');
  });

  it('leaves no tag in the output of hostile input', () => {
    const hostile = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '<svg onload=alert(1)><text>x</text></svg>',
      '<iframe src="javascript:alert(1)"></iframe>',
      '<a href="javascript:alert(1)" onclick="alert(1)">click</a>',
      '<p style="background:url(javascript:alert(1))">styled</p>',
      '<!-- <script>alert(1)</script> -->comment',
      '<![CDATA[<script>alert(1)</script>]]>',
      '<scr<script>ipt>alert(1)</script>',
      '<p title="</p><script>alert(1)</script>">attr</p>',
      '<math><mi xlink:href="javascript:alert(1)">m</mi></math>',
    ];
    for (const html of hostile) {
      const text = replyText(html);
      expectNoMarkup(text);
      expect(text).not.toMatch(/javascript:|onerror|onload|onclick/i);
    }
  });

  it('removes control characters and empty input gives empty text', () => {
    expect(replyText('<p>a\u0000b&#0;c\u0007d</p>')).toBe('ab\ufffdcd');
    expect(replyText('')).toBe('');
    expect(replyText('<p></p><br><br>')).toBe('');
  });
});
