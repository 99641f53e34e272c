package server

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"
)

// The rule for bodies nobody has authenticated yet: the signature
// (X-Hub-Signature-256) covers the whole body, so a body is known to come
// from GitHub only once it has been read to the end. Until then it holds a
// slot and at most memBodyBytes of memory:
//
//   - a request without a well-formed X-Hub-Signature-256, or whose
//     Content-Length is over Options.MaxBodyBytes, is refused (400, 413)
//     before any of its body is read;
//   - a small body (Content-Length at most memBodyBytes, as nearly every
//     delivery GitHub sends) takes one of smallPerLarge × MaxUnverifiedBodies
//     small slots and stays in memory;
//   - a larger body, or one of unknown length, takes one of
//     Options.MaxUnverifiedBodies large slots: its first memBodyBytes stay
//     in memory and the rest spills to a temporary file, unlinked at once
//     and closed when the request ends; reading stops at MaxBodyBytes (413);
//   - a request that finds every slot of its kind taken waits up to
//     slotWait, then gets 503 (GitHub records the delivery as failed and the
//     redeliverer asks for it again);
//   - every body streams through HMAC-SHA256 as it is read.
//
// So unverified bodies never hold more than (smallPerLarge + 1) ×
// MaxUnverifiedBodies × memBodyBytes of memory (9 MiB by default) whatever
// their size or number, and a flood of large bodies does not delay small
// ones. Only a body whose signature matched reaches go-githubapp's
// dispatcher, which reads it into memory (and checks the signature again).
const (
	memBodyBytes  = 256 << 10
	smallPerLarge = 8
	// slotWait leaves a delivery that waited for a slot time to be read and
	// answered within the 10 s GitHub waits for a webhook response.
	slotWait = 5 * time.Second
)

var (
	errNoSignature  = errors.New("missing or malformed X-Hub-Signature-256 header")
	errBadSignature = errors.New("payload signature does not match the webhook secret")
	// errSpill is this server's fault, not the sender's: answer 503 so
	// that GitHub records the delivery as failed and it is redelivered.
	errSpill = errors.New("spill webhook body")
)

// verifyBody authenticates the webhook body by the rule above before next
// sees the request.
func (s *Server) verifyBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log := zerolog.Ctx(r.Context()).With().Str(githubapp.LogKeyDeliveryID, r.Header.Get("X-GitHub-Delivery")).Logger()
		if r.ContentLength > s.opts.MaxBodyBytes {
			s.tooLarge(w, log, r.ContentLength)
			return
		}
		want, ok := parseSignature(r.Header.Get("X-Hub-Signature-256"))
		if !ok {
			s.invalid(w, log, errNoSignature)
			return
		}
		slots := s.largeSlots
		if r.ContentLength >= 0 && r.ContentLength <= memBodyBytes {
			slots = s.smallSlots
		}
		wait := time.NewTimer(s.slotWait)
		select {
		case slots <- struct{}{}:
			wait.Stop()
		case <-wait.C:
			s.opts.Metrics.rejected.WithLabelValues("busy").Inc()
			log.Warn().Int("slots", cap(slots)).Int64("content_length", r.ContentLength).Msg("webhook rejected with 503: every slot for unverified bodies of this size is taken")
			http.Error(w, "too many webhook bodies being read, retry later", http.StatusServiceUnavailable)
			return
		case <-r.Context().Done():
			wait.Stop()
			return
		}
		body, err := s.readVerified(w, r, want)
		<-slots
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			s.tooLarge(w, log, mbe.Limit+1)
			return
		case errors.Is(err, errBadSignature):
			s.invalid(w, log, err)
			return
		case errors.Is(err, errSpill):
			log.Error().Err(err).Str("spill_dir", s.opts.SpillDir).Msg("webhook body could not be spilled to disk, answering 503")
			http.Error(w, "cannot buffer body, retry later", http.StatusServiceUnavailable)
			return
		case err != nil:
			log.Warn().Err(err).Msg("webhook body could not be read")
			http.Error(w, "cannot read body", http.StatusBadRequest)
			return
		}
		defer func() { _ = body.Close() }()
		r.Body = body
		next.ServeHTTP(w, r)
	})
}

// readVerified reads r's body through HMAC-SHA256 into a spillBuffer and
// returns it for reading again when its signature is want.
func (s *Server) readVerified(w http.ResponseWriter, r *http.Request, want []byte) (io.ReadCloser, error) {
	mac := hmac.New(sha256.New, []byte(s.opts.WebhookSecret))
	buf := &spillBuffer{dir: s.opts.SpillDir}
	in := http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes)
	cb, _ := s.copyBufs.Get().(*[]byte)
	if cb == nil {
		b := make([]byte, 32<<10)
		cb = &b
	}
	_, err := io.CopyBuffer(io.MultiWriter(mac, buf), in, *cb)
	s.copyBufs.Put(cb)
	if err != nil {
		_ = buf.Close()
		return nil, err
	}
	if !hmac.Equal(mac.Sum(nil), want) {
		_ = buf.Close()
		return nil, errBadSignature
	}
	rc, err := buf.reader()
	if err != nil {
		_ = buf.Close()
		return nil, err
	}
	return rc, nil
}

func (s *Server) tooLarge(w http.ResponseWriter, log zerolog.Logger, n int64) {
	s.opts.Metrics.rejected.WithLabelValues("too_large").Inc()
	log.Warn().Int64("content_length", n).Int64("max", s.opts.MaxBodyBytes).Msg("webhook body over the limit, rejected with 413")
	http.Error(w, "payload too large", http.StatusRequestEntityTooLarge)
}

func (s *Server) invalid(w http.ResponseWriter, log zerolog.Logger, err error) {
	s.opts.Metrics.rejected.WithLabelValues("invalid").Inc()
	log.Warn().Err(err).Msg("webhook rejected: invalid headers or signature")
	http.Error(w, "invalid webhook headers or signature", http.StatusBadRequest)
}

// parseSignature decodes "sha256=<64 hex digits>".
func parseSignature(h string) ([]byte, bool) {
	hexSig, ok := strings.CutPrefix(h, "sha256=")
	if !ok || len(hexSig) != 2*sha256.Size {
		return nil, false
	}
	sig, err := hex.DecodeString(hexSig)
	return sig, err == nil
}

// spillBuffer keeps the first memBodyBytes written in memory and the rest
// in a temporary file in dir (os.TempDir when empty).
type spillBuffer struct {
	dir  string
	mem  bytes.Buffer
	file *os.File
}

func (b *spillBuffer) Write(p []byte) (int, error) {
	if b.file == nil {
		if room := memBodyBytes - b.mem.Len(); len(p) <= room {
			return b.mem.Write(p)
		}
		f, err := os.CreateTemp(b.dir, "mentorbot-body-")
		if err != nil {
			return 0, fmt.Errorf("%w: %w", errSpill, err)
		}
		// Unlinked at once: the file lives only as long as it is open.
		_ = os.Remove(f.Name())
		b.file = f
	}
	return b.file.Write(p)
}

// reader returns the bytes written, memory first, then the file.
func (b *spillBuffer) reader() (io.ReadCloser, error) {
	if b.file == nil {
		return b, nil
	}
	if _, err := b.file.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("%w: rewind: %w", errSpill, err)
	}
	return readCloser{io.MultiReader(&b.mem, b.file), b}, nil
}

func (b *spillBuffer) Read(p []byte) (int, error) { return b.mem.Read(p) }

// Close drops the buffer and its file.
func (b *spillBuffer) Close() error {
	b.mem = bytes.Buffer{}
	if b.file == nil {
		return nil
	}
	err := b.file.Close()
	b.file = nil
	return err
}

type readCloser struct {
	io.Reader
	io.Closer
}
