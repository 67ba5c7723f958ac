module github.com/gridroute/gridroute/bindings/go

go 1.19
