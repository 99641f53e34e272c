package mdsafe

import (
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"fix: store", "fix: store"},
		{"ping @everyone", "ping @\u200deveryone"},
		{"<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"},
		{"close #12 and org/repo#3", "close \\#12 and org/repo\\#3"},
		{"**bold** _it_ `code` [link](x)", "\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\[link\\](x)"},
		{"line one\nline two\r\n\tthree", "line one line two three"},
		{"<!-- mentorbot:welcome -->", "&lt;\\!-- mentorbot:welcome --&gt;"},
		{"a | b ~ c \\ d", "a \\| b \\~ c \\\\ d"},
		{"AT&T", "AT&amp;T"},
	}
	for _, tc := range tests {
		if got := Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Whatever a user writes, the escaped text has no live mention, no HTML
// tag or comment, and no line break.
func TestTextNeutralisesHostileInput(t *testing.T) {
	for _, in := range []string{
		"@everyone <script>alert(1)</script>", "-->@org/team<!--", "\n\n# heading\n@a @b", "<a href=x>@x</a>",
	} {
		got := Text(in)
		if strings.ContainsAny(got, "<>\n") {
			t.Errorf("Text(%q) = %q keeps HTML or a newline", in, got)
		}
		if strings.Count(got, "@") != strings.Count(got, "@\u200d") {
			t.Errorf("Text(%q) = %q keeps a live mention", in, got)
		}
	}
}

func TestMention(t *testing.T) {
	tests := []struct{ in, want string }{
		{"alice", "@alice"},
		{"Bob-2", "@Bob-2"},
		{"dependabot[bot]", "@dependabot[bot]"},
		{"org/team", "org/team"},
		{"@alice", "@\u200dalice"},
		{"-bad", "-bad"},
		{"has space", "has space"},
		{strings.Repeat("a", 40), strings.Repeat("a", 40)},
	}
	for _, tc := range tests {
		if got := Mention(tc.in); got != tc.want {
			t.Errorf("Mention(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/mentee-task @bob", "` /mentee-task @bob `"},
		{"a`b", "`` a`b ``"},
		{"x\ny", "` x y `"},
	}
	for _, tc := range tests {
		if got := Code(tc.in); got != tc.want {
			t.Errorf("Code(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestStrip(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"fix \u202Etxt.exe", "fix txt.exe"},
		{"\u202A\u202B\u202C\u202D\u202Eembeddings and overrides", "embeddings and overrides"},
		{"\u2066\u2067\u2068isolates\u2069", "isolates"},
		{"zero\u200Bwidth\u200C\u200D\u200E\u200F", "zerowidth"},
		{"\uFEFFbom", "bom"},
		{"arabic\u061Cmark", "arabicmark"},
		{"word\u2060joiner\u2061\u2062\u2063\u2064", "wordjoiner"},
		{"soft\u00ADhyphen", "softhyphen"},
		{"tag\U000E0041chars", "tagchars"},
		{"bell\a and nul\x00 and del\x7f and c1\u0085", "bell and nul and del and c1"},
		{"tab\tand\nlines\r\n", "tab\tand\nlines\r\n"},
		{"accents é ü and emoji 🎉", "accents é ü and emoji 🎉"},
	}
	for _, tc := range tests {
		if got := Strip(tc.in); got != tc.want {
			t.Errorf("Strip(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Text and Code, which every user-written title, login and body goes
// through, leave no invisible character of the user's; Text's own
// zero-width joiner after @ is the only one.
func TestTextAndCodeStripInvisible(t *testing.T) {
	in := "\u202Eevil\u2066 @alice\u200B title\uFEFF"
	if got, want := Text(in), "evil @\u200dalice title"; got != want {
		t.Errorf("Text(%q) = %q, want %q", in, got, want)
	}
	if got, want := Code(in), "` evil @alice title `"; got != want {
		t.Errorf("Code(%q) = %q, want %q", in, got, want)
	}
	if got, want := Mention("\u202Ealice"), "alice"; got != want {
		t.Errorf("Mention = %q, want %q", got, want)
	}
}
