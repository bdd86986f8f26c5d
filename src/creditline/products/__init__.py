"""Products: the one catalogue of product terms that origination and servicing both read
(``creditline.products.catalog``)."""
