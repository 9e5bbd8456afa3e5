select
    id as customer_id,
    first_name,
    last_name,
    email,
    country,
    segment,
    signup_date
from {{ source('shop', 'raw_customers') }}
