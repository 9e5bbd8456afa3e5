with payments as (
    select
        order_id,
        sum(amount) as paid_amount
    from {{ ref('stg_payments') }}
    group by order_id
)

select
    orders.order_id,
    orders.customer_id,
    orders.product_id,
    orders.order_date,
    orders.status,
    orders.quantity,
    orders.quantity * products.unit_price as order_amount,
    coalesce(payments.paid_amount, 0) as paid_amount
from {{ ref('stg_orders') }} as orders
inner join {{ ref('stg_products') }} as products
    on orders.product_id = products.product_id
left join payments
    on orders.order_id = payments.order_id
