select
    id as product_id,
    name as product_name,
    category,
    price as unit_price
from {{ source('shop', 'raw_products') }}
