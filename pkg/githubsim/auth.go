package githubsim

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v4"
)

// GenerateKey returns a new 2048-bit RSA private key as PKCS#1 PEM, the
// format GitHub hands out for app keys.
func GenerateKey() ([]byte, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generate rsa key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), nil
}

func parsePublicKey(pemBytes []byte) (*rsa.PublicKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("parse app private key: no PEM block")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return &k.PublicKey, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse app private key: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("parse app private key: not an RSA key")
	}
	return &rk.PublicKey, nil
}

// token is an installation access token.
type token struct {
	value     string
	inst      int64
	expiresAt time.Time
	repos     []string // when set, the token sees only these repositories
}

// identity is who a request authenticated as.
type identity struct {
	app  bool
	inst *installation
}

// authenticate reads the Authorization header. No header is anonymous, not
// an error; bad credentials are an error with GitHub's message.
func (s *Server) authenticate(r *http.Request) (identity, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return identity{}, nil
	}
	scheme, cred, found := strings.Cut(h, " ")
	if !found || cred == "" {
		return identity{}, errors.New("Bad credentials")
	}
	switch strings.ToLower(scheme) {
	case "bearer":
		if strings.Count(cred, ".") == 2 {
			if err := s.verifyJWT(cred); err != nil {
				return identity{}, err
			}
			return identity{app: true}, nil
		}
	case "token":
	default:
		return identity{}, errors.New("Bad credentials")
	}
	t, ok := s.tokens[cred]
	if !ok || !s.opts.AuthNow().Before(t.expiresAt) {
		return identity{}, errors.New("Bad credentials")
	}
	inst := s.st.installations[t.inst]
	if inst == nil {
		return identity{}, errors.New("Bad credentials")
	}
	if len(t.repos) > 0 {
		restricted := *inst
		restricted.repos = t.repos
		inst = &restricted
	}
	return identity{inst: inst}, nil
}

// verifyJWT checks an app JWT as GitHub does: RS256 signed by the app's key,
// iss = app ID, iat not in the future (60 s of drift allowed), exp in the
// future and at most 10 minutes after iat.
func (s *Server) verifyJWT(raw string) error {
	claims := jwt.MapClaims{}
	parser := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())
	_, err := parser.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return s.pub, nil })
	if err != nil {
		return errors.New("A JSON web token could not be decoded")
	}
	iss, ok := claims["iss"]
	if !ok {
		return errors.New("'Issuer' claim ('iss') must be an Integer")
	}
	var appID int64
	switch v := iss.(type) {
	case string:
		appID, err = strconv.ParseInt(v, 10, 64)
	case float64:
		appID = int64(v)
	default:
		err = errors.New("bad type")
	}
	if err != nil || appID != s.opts.AppID {
		return errors.New("Integration not found")
	}
	iat, ok1 := claims["iat"].(float64)
	exp, ok2 := claims["exp"].(float64)
	if !ok1 {
		return errors.New("'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.")
	}
	if !ok2 {
		return errors.New("'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.")
	}
	now := s.opts.AuthNow()
	issued := time.Unix(int64(iat), 0)
	expires := time.Unix(int64(exp), 0)
	if issued.After(now.Add(60 * time.Second)) {
		return errors.New("'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.")
	}
	if !expires.After(now) || expires.Sub(issued) > 10*time.Minute {
		return errors.New("'Expiration time' claim ('exp') is too far in the future or in the past")
	}
	return nil
}

// newToken mints an installation token valid for one hour.
func (s *Server) newToken(inst int64) *token {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 36)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			n = big.NewInt(int64(i))
		}
		b[i] = alphabet[n.Int64()]
	}
	t := &token{value: "ghs_" + string(b), inst: inst, expiresAt: s.opts.AuthNow().Add(time.Hour).Truncate(time.Second)}
	s.tokens[t.value] = t
	return t
}

// rateKey identifies a primary rate-limit bucket: an installation (0 for
// anonymous callers, -1 for the app's JWT) and a resource.
type rateKey struct {
	inst     int64
	resource string
}

type bucket struct {
	resource string
	limit    int
	used     int
	reset    time.Time
	now      func() time.Time
	window   time.Duration
}

func (b *bucket) roll() {
	if now := b.now(); !now.Before(b.reset) {
		b.used = 0
		b.reset = now.Add(b.window).Truncate(time.Second)
	}
}

func (b *bucket) remaining() int {
	b.roll()
	return b.limit - b.used
}

func (b *bucket) setHeaders(h http.Header) {
	b.roll()
	h.Set("X-RateLimit-Limit", strconv.Itoa(b.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(b.limit-b.used))
	h.Set("X-RateLimit-Used", strconv.Itoa(b.used))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(b.reset.Unix(), 10))
	h.Set("X-RateLimit-Resource", b.resource)
}

func resourceFor(route string) string {
	if strings.HasPrefix(route, "/search/") {
		return "search"
	}
	return "core"
}

func (s *Server) bucketFor(id identity, resource string) *bucket {
	key := rateKey{resource: resource}
	limit := 60 // anonymous
	window := s.opts.CoreRateWindow
	switch {
	case id.inst != nil:
		key.inst = id.inst.id
		limit = s.opts.CoreRateLimit
	case id.app:
		key.inst = -1
		limit = s.opts.CoreRateLimit
	}
	if resource == "search" {
		window = time.Minute
		limit = s.opts.SearchRateLimit
		if id.inst == nil && !id.app {
			limit = 10
		}
	}
	b, ok := s.rates[key]
	if !ok {
		b = &bucket{resource: resource, limit: limit, now: s.opts.AuthNow, window: window}
		s.rates[key] = b
	}
	return b
}

// rateJSON is one entry of GET /rate_limit.
func (b *bucket) rateJSON() map[string]any {
	b.roll()
	return map[string]any{"limit": b.limit, "used": b.used, "remaining": b.limit - b.used, "reset": b.reset.Unix()}
}
