module github.com/corio-go/corio/cmd/asyncbench

go 1.26.0

require (
	github.com/corio-go/corio v0.0.0
	golang.org/x/sync v0.24.0
)

require (
	github.com/dave/jennifer v1.7.1 // indirect
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
)

replace github.com/corio-go/corio => ../..

tool github.com/corio-go/corio/cmd/asyncgen
