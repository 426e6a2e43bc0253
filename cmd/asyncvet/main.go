// Asyncvet runs the asynccheck analyzer: stale or missing asyncgen twins,
// blocking calls and dropped futures in corio async functions, and sync
// locks held across suspension points.
//
// Usage:
//
//	asyncvet [flags] [packages]
//	go vet -vettool=$(command -v asyncvet) [packages]
//
// It exits 1 (3 under go vet's protocol) when it reports anything. See the
// asynccheck package for what it reports and how to run it in an editor
// and in CI.
package main

import (
	"github.com/corio-go/corio/asynccheck"
	"golang.org/x/tools/go/analysis/singlechecker"
)

func main() { singlechecker.Main(asynccheck.Analyzer) }
