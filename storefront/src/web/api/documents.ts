import { graphql } from '../gql';

export const MONEY = graphql(`
  fragment StoreMoney on Money {
    amountCents
    currency
    formatted
  }
`);

export const PRODUCT = graphql(`
  fragment StoreProduct on Product {
    id
    name
    description
    price {
      ...StoreMoney
    }
    stock
    inStock
  }
`);

export const VIEWER = graphql(`
  fragment StoreViewer on User {
    id
    name
    email
    role
  }
`);

export const AUTH = graphql(`
  fragment StoreAuth on AuthPayload {
    accessToken
    refreshToken
    expiresIn
    user {
      ...StoreViewer
    }
  }
`);

export const CART = graphql(`
  fragment StoreCart on Cart {
    id
    itemCount
    subtotal {
      ...StoreMoney
    }
    items {
      id
      quantity
      product {
        id
        name
        stock
        inStock
      }
      unitPrice {
        ...StoreMoney
      }
      lineTotal {
        ...StoreMoney
      }
      priceWhenAdded {
        ...StoreMoney
      }
      priceChanged
    }
  }
`);

export const ORDER = graphql(`
  fragment StoreOrder on Order {
    id
    status
    failureReason
    total {
      ...StoreMoney
    }
    items {
      name
      quantity
      product {
        id
      }
      unitPrice {
        ...StoreMoney
      }
      lineTotal {
        ...StoreMoney
      }
    }
    statusHistory {
      status
      at
      reason
    }
    createdAt
    updatedAt
  }
`);

export const PRODUCTS_QUERY = graphql(`
  query StoreProducts($first: Int!, $after: String, $search: String, $sellerId: ID) {
    products(first: $first, after: $after, search: $search, sellerId: $sellerId) {
      edges {
        cursor
        node {
          ...StoreProduct
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      totalCount
    }
  }
`);

export const PRODUCT_QUERY = graphql(`
  query StoreProductPage($id: ID!) {
    product(id: $id) {
      ...StoreProduct
    }
  }
`);

export const ME_QUERY = graphql(`
  query StoreMe {
    me {
      ...StoreViewer
      cart {
        id
        itemCount
      }
    }
  }
`);

export const LOGIN_MUTATION = graphql(`
  mutation StoreLogin($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      ...StoreAuth
    }
  }
`);

export const REGISTER_MUTATION = graphql(`
  mutation StoreRegister($input: RegisterInput!) {
    register(input: $input) {
      ...StoreAuth
    }
  }
`);

export const REFRESH_MUTATION = graphql(`
  mutation StoreRefreshSession($refreshToken: String!) {
    refreshSession(refreshToken: $refreshToken) {
      ...StoreAuth
    }
  }
`);

export const LOGOUT_MUTATION = graphql(`
  mutation StoreLogout($refreshToken: String!) {
    logout(refreshToken: $refreshToken)
  }
`);

export const CART_QUERY = graphql(`
  query StoreCartPage {
    me {
      id
      cart {
        ...StoreCart
      }
    }
  }
`);

export const ADD_TO_CART_MUTATION = graphql(`
  mutation StoreAddToCart($productId: ID!, $quantity: Int!) {
    addToCart(productId: $productId, quantity: $quantity) {
      ...StoreCart
    }
  }
`);

export const UPDATE_CART_ITEM_MUTATION = graphql(`
  mutation StoreUpdateCartItem($productId: ID!, $quantity: Int!) {
    updateCartItem(productId: $productId, quantity: $quantity) {
      ...StoreCart
    }
  }
`);

export const REMOVE_FROM_CART_MUTATION = graphql(`
  mutation StoreRemoveFromCart($productId: ID!) {
    removeFromCart(productId: $productId) {
      ...StoreCart
    }
  }
`);

export const CHECKOUT_MUTATION = graphql(`
  mutation StoreCheckout($input: CheckoutInput!) {
    checkout(input: $input) {
      ...StoreOrder
    }
  }
`);

export const ORDER_QUERY = graphql(`
  query StoreOrderPage($id: ID!) {
    order(id: $id) {
      ...StoreOrder
    }
  }
`);

export const ORDER_STATUS_SUBSCRIPTION = graphql(`
  subscription StoreOrderStatus($orderId: ID!) {
    orderStatusChanged(orderId: $orderId) {
      ...StoreOrder
    }
  }
`);

export const CANCEL_ORDER_MUTATION = graphql(`
  mutation StoreCancelOrder($id: ID!) {
    cancelOrder(id: $id) {
      ...StoreOrder
    }
  }
`);

export const MY_ORDERS_QUERY = graphql(`
  query StoreMyOrders($first: Int!, $after: String) {
    me {
      id
      orders(first: $first, after: $after) {
        edges {
          cursor
          node {
            id
            status
            total {
              ...StoreMoney
            }
            items {
              name
              quantity
            }
            createdAt
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const UPDATE_PRODUCT_MUTATION = graphql(`
  mutation StoreUpdateProduct($id: ID!, $input: UpdateProductInput!) {
    updateProduct(id: $id, input: $input) {
      ...StoreProduct
    }
  }
`);

export const CREATE_PRODUCT_MUTATION = graphql(`
  mutation StoreCreateProduct($input: CreateProductInput!) {
    createProduct(input: $input) {
      ...StoreProduct
    }
  }
`);

export const MY_SALES_QUERY = graphql(`
  query StoreMySales($first: Int!) {
    me {
      id
      sales(first: $first) {
        edges {
          cursor
          node {
            id
            orderId
            name
            quantity
            lineTotal {
              ...StoreMoney
            }
            soldAt
          }
        }
        totalCount
      }
    }
  }
`);
