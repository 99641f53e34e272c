package policy

import (
	"os"
	"testing"
)

// FuzzParse checks that no input makes Parse panic, and that what it returns
// is usable: every problem has a message, and the roster has no duplicates.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/example.yml", "testdata/broken.yml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("a: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, problems := Parse(data)
		for _, pr := range problems {
			if pr.Message == "" {
				t.Errorf("problem without a message: %+v", pr)
			}
		}
		seen := map[string]bool{}
		for _, m := range p.Mentees {
			if !ValidLogin(m.Login) {
				t.Errorf("invalid login kept: %q", m.Login)
			}
			if seen[m.Login] {
				t.Errorf("duplicate login kept: %q", m.Login)
			}
			seen[m.Login] = true
		}
		_, _ = ParseLayers(Layer{Data: data}, Layer{Data: data})
	})
}
