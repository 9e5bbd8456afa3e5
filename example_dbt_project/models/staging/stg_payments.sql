select
    id as payment_id,
    order_id,
    payment_method,
    cast(amount as decimal(10, 2)) / 100 as amount
from {{ source('shop', 'raw_payments') }}
