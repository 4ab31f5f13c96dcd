package ui

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

//go:embed static
var staticFS embed.FS

// staticFiles serves the embedded assets under /static/<hash>/<name>: the
// hash changes with the content, so browsers may cache them for a year.
type staticFiles struct {
	files map[string][]byte // by name
	hash  map[string]string // name -> content hash
}

func newStaticFiles() (*staticFiles, error) {
	sf := &staticFiles{files: map[string][]byte{}, hash: map[string]string{}}
	entries, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		b, err := staticFS.ReadFile("static/" + e.Name())
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		sf.files[e.Name()] = b
		sf.hash[e.Name()] = hex.EncodeToString(sum[:6])
	}
	return sf, nil
}

// url is the cache-busting address of an asset, for templates.
func (sf *staticFiles) url(name string) string {
	return "/static/" + sf.hash[name] + "/" + name
}

func (sf *staticFiles) serve(c echo.Context) error {
	name := c.Param("name")
	b, ok := sf.files[name]
	if !ok || sf.hash[name] != c.Param("hash") {
		return crm.Errorf(crm.CodeNotFound, "", "no such file")
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	return c.Blob(http.StatusOK, ct, b)
}
